package io.pgrouter.benchmarks.switchover;

import io.pgrouter.SwitchoverReport;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.Stats;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.benchmarks.switchover.SwitchoverRounds.Outcome;
import io.pgrouter.benchmarks.switchover.SwitchoverRounds.Round;
import io.pgrouter.benchmarks.switchover.SwitchoverRounds.Seen;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Entry: planned switchovers back and forth under the load of three application instances (8 threads each, as many
 * reads as writes, paced), with pgrouter's switchover started from one instance after the other, beside what pgjdbc's multi-host URL
 * gives when an operator promotes the standby: the old primary stopped first, or right after the promotion.
 */
public final class SwitchoverEntry implements Entry {

    static final int INSTANCES = 3;
    static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    static final int HOST_RECHECK_SECONDS = 2;

    @Override
    public String name() {
        return "switchover";
    }

    @Override
    public String title() {
        return "5. Planned switchover under load from three instances: pgrouter beside pg_promote with pgjdbc's multi-host URL";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        int rounds = context.trials(10, 3);
        List<Outcome> outcomes = new ArrayList<>();
        try (ReplicaSet cluster =
                context.startCluster(PostgresReplicaSet.builder().replicas(2))) {
            outcomes.add(SwitchoverRounds.pgrouter(cluster, INSTANCES, rounds, PROBE_INTERVAL, context::log));
            outcomes.add(
                    SwitchoverRounds.pgPromote(cluster, INSTANCES, rounds, HOST_RECHECK_SECONDS, true, context::log));
            outcomes.add(
                    SwitchoverRounds.pgPromote(cluster, INSTANCES, rounds, HOST_RECHECK_SECONDS, false, context::log));
        }
        var summary = report.table(
                "Per peer, " + rounds + " moves of the primary back and forth; " + INSTANCES + " instances × "
                        + SwitchoverRounds.THREADS + " threads (a write, then a read, each followed by a "
                        + SwitchoverRounds.PACE.toMillis() + " ms pause), pools of " + SwitchoverRounds.POOL_SIZE
                        + " (median / max over the rounds)",
                "peer",
                "rounds completed",
                "writes acknowledged",
                "writes/s (all instances)",
                "failed writes",
                "acknowledged writes lost",
                "failed reads",
                "write pause per instance ms",
                "writes failing until ms after the move started",
                "move ms",
                "first write error");
        for (Outcome o : outcomes) {
            long completed = o.rounds().stream()
                    .filter(r -> r.result().equals("completed") || r.result().equals("promoted"))
                    .count();
            String error = o.firstWriteError();
            summary.row(
                    o.peer(),
                    completed + " / " + o.rounds().size(),
                    o.writes(),
                    String.format(Locale.ROOT, "%.0f", o.writesPerSecond()),
                    o.failedWrites(),
                    o.lostWrites().stream().mapToLong(Long::longValue).sum(),
                    o.failedReads(),
                    medMax(perRound(o, Seen::pauseMs)),
                    medMax(perRound(o, Seen::recoveryMs)),
                    medMax(o.rounds().stream().map(Round::moveMs).toList()),
                    error == null ? null : error.length() > 120 ? error.substring(0, 120) + "..." : error);
            report.value(o.peer() + ".failedWrites", o.failedWrites());
            report.value(
                    o.peer() + ".lostWrites",
                    o.lostWrites().stream().mapToLong(Long::longValue).sum());
            report.value(o.peer() + ".writesPerSecond", Math.round(o.writesPerSecond()));
        }
        Outcome pgrouter = outcomes.get(0);
        var perInstance = report.table(
                "pgrouter, per instance (the longest write of the instance that overlapped each switchover)",
                "instance",
                "write pause p50 ms",
                "write pause max ms",
                "failed writes",
                "acknowledged writes lost",
                "writes outside the switchovers: p99 / max ms");
        for (int i = 0; i < INSTANCES; i++) {
            int instance = i;
            List<Long> pauses = pgrouter.rounds().stream()
                    .map(r -> r.seen().get(instance).pauseMs())
                    .toList();
            perInstance.row(
                    "instance " + (i + 1),
                    String.format(Locale.ROOT, "%.0f", Stats.median(pauses)),
                    String.format(Locale.ROOT, "%.0f", Stats.max(pauses)),
                    pgrouter.rounds().stream()
                            .mapToLong(r -> r.seen().get(instance).failedWrites())
                            .sum(),
                    pgrouter.lostWrites().get(i),
                    pgrouter.quietP99Ms().get(i) + " / " + pgrouter.quietMaxMs().get(i));
            report.value("pgrouter.instance" + (i + 1) + ".pauseMs.p50", Stats.median(pauses));
            report.value("pgrouter.instance" + (i + 1) + ".pauseMs.max", Stats.max(pauses));
        }
        var steps = report.table(
                "pgrouter, per switchover (from the initiating router's report)",
                "round",
                "move",
                "initiator",
                "result",
                "gate closed ms",
                "writes held",
                "held max ms",
                "signal wait + drain ms",
                "fence ms",
                "catch-up ms",
                "promote ms",
                "pause per instance ms");
        for (Round r : pgrouter.rounds()) {
            SwitchoverReport s = r.report();
            steps.row(
                    r.round(),
                    r.from() + " -> " + r.to(),
                    "instance " + ((r.round() - 1) % INSTANCES + 1),
                    r.result(),
                    s.writePause().held().toMillis(),
                    s.writePause().waited(),
                    s.writePause().max().toMillis(),
                    stepMillis(s, io.pgrouter.SwitchoverStep.DRAIN),
                    stepMillis(s, io.pgrouter.SwitchoverStep.FENCE),
                    stepMillis(s, io.pgrouter.SwitchoverStep.CATCH_UP),
                    stepMillis(s, io.pgrouter.SwitchoverStep.PROMOTE),
                    r.seen().stream()
                            .map(x -> Long.toString(x.pauseMs()))
                            .toList()
                            .toString());
        }
        goals(report, pgrouter);
        report.note(
                "A round: every router sees the target in rotation, the move runs, the test kit takes in the"
                        + " promotion (the other replica follows the new primary) and rejoins the old primary as a standby of"
                        + " the new one, the load runs 2 s more. The primary moves between 'primary' and 'replica-1'; 'replica-2'"
                        + " serves reads throughout. Acknowledged writes are looked up on the final primary once the load stopped.");
        report.note("pgrouter: three RoutingDataSource objects (three application instances), probe interval "
                + PROBE_INTERVAL.toMillis()
                + " ms (the default signal wait is twice that), SwitchoverOptions.ofDefaults();"
                + " round n is started from instance (n-1) mod 3 + 1, the others follow through the announcement on the"
                + " primary. A switchover whose pre-checks failed (nothing changed; on a loaded machine a probe that timed"
                + " out takes the target out of rotation for a few probes) is run again, up to 3 times, as an operator"
                + " would; the move time includes those attempts.");
        report.note("pgjdbc: each instance has a HikariCP pool with targetServerType=primary for writes and one with"
                + " preferSecondary for reads over all three hosts, hostRecheckSeconds=" + HOST_RECHECK_SECONDS
                + " (the default is 10). The operator's move is the test kit's promotion (pg_ctl promote, the other"
                + " replica re-pointed): 'stop then promote' stops the old primary first with a fast shutdown, which"
                + " hands the standbys its last WAL; 'promote then stop' promotes while the old primary runs and stops it"
                + " once the promotion returned, as a DNS flip or a hurried operator would.");
        report.note(
                "Write pause: per instance and round, the longest write (acknowledged or failed) that overlapped the"
                        + " move, from its start to " + SwitchoverRounds.PAUSE_SLACK.toMillis()
                        + " ms after its end. Writes"
                        + " failing until: from the move's start to the end of the round's last failed write of any instance.");
    }

    private static void goals(EntryReport report, Outcome pgrouter) {
        long notCompleted = pgrouter.rounds().stream()
                .filter(r -> !r.result().equals("completed"))
                .count();
        report.goal(
                "every switchover completes",
                notCompleted == 0,
                (pgrouter.rounds().size() - notCompleted) + " of "
                        + pgrouter.rounds().size() + " completed");
        long lost = pgrouter.lostWrites().stream().mapToLong(Long::longValue).sum();
        report.goal(
                "0 failed writes, 0 acknowledged writes lost",
                pgrouter.failedWrites() == 0 && lost == 0,
                "failed " + pgrouter.failedWrites() + ", lost " + lost);
        double maxPause = Stats.max(perRound(pgrouter, Seen::pauseMs));
        report.goal(
                "max write pause under 1 s on every instance",
                maxPause < 1000,
                String.format(Locale.ROOT, "longest %.0f ms", maxPause));
        report.goal(
                "at least 200 writes/s from the three instances",
                pgrouter.writesPerSecond() >= 200,
                String.format(Locale.ROOT, "%.0f writes/s", pgrouter.writesPerSecond()));
    }

    /** Per round, the worst instance. */
    private static List<Long> perRound(Outcome o, ToLongFunction<Seen> f) {
        return o.rounds().stream()
                .map(r -> r.seen().stream().mapToLong(f).max().orElse(0))
                .toList();
    }

    private static Object stepMillis(SwitchoverReport report, io.pgrouter.SwitchoverStep step) {
        return report.step(step).map(s -> (Object) s.duration().toMillis()).orElse("");
    }

    private static String medMax(List<Long> values) {
        return String.format(Locale.ROOT, "%.0f / %.0f", Stats.median(values), Stats.max(values));
    }
}
