package io.pgrouter.benchmarks.switchover;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.SwitchoverOptions;
import io.pgrouter.SwitchoverReport;
import io.pgrouter.benchmarks.faults.FaultLoad;
import io.pgrouter.benchmarks.faults.FaultTrial;
import io.pgrouter.benchmarks.faults.Target;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Moves the primary of a cluster back and forth, round after round, while several application instances (each a
 * {@link Target} of its own with its own load) write and read, and measures what each instance saw in each round:
 * how long its writes stood still, how many failed and until when. Two ways to move the primary: pgrouter's
 * switchover, started from one instance after the other, or an operator's promotion under pgjdbc's multi-host URL.
 */
public final class SwitchoverRounds {

    /** Threads of load per instance. */
    public static final int THREADS = 8;

    /** Connections per pool. */
    public static final int POOL_SIZE = 8;

    /** Reads per write, per thread. */
    public static final int READS_PER_WRITE = 1;

    /** The pause after every call, per thread: a paced load (about 15 writes/s per thread on an idle machine). */
    public static final Duration PACE = Duration.ofMillis(25);

    /** A pool's connection timeout. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    /** After the move ended, how long writes still count as held by it (followers release on their next probes). */
    static final Duration PAUSE_SLACK = Duration.ofSeconds(1);

    /** How long the load runs on after each round before the next one starts. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private static final AtomicLong LOADS = new AtomicLong();

    /** How often a switchover whose pre-checks failed (nothing changed) is run again in the same round. */
    private static final int CHECK_RETRIES = 3;

    /**
     * One round as one instance saw it.
     *
     * @param pauseMs the longest write of this instance that overlapped the move (from its start to its end plus
     *     {@link #PAUSE_SLACK}), acknowledged or failed
     * @param failedWrites writes of this instance that failed from the round's start to the next round's
     * @param recoveryMs from the round's start to the end of the last failed write of the round; 0 without any
     */
    public record Seen(long pauseMs, long failedWrites, long recoveryMs) {}

    /**
     * One round.
     *
     * @param from the primary before it
     * @param to the primary after it
     * @param moveMs how long the move took (the switchover call, or the operator's steps)
     * @param result the switchover's result, or {@code promoted} for an operator's promotion
     * @param report the switchover's report, {@code null} for an operator's promotion
     * @param seen per instance
     */
    public record Round(
            int round, String from, String to, long moveMs, String result, SwitchoverReport report, List<Seen> seen) {}

    /**
     * What a run of rounds showed.
     *
     * @param writesPerSecond acknowledged writes per second over the whole run, all instances together
     * @param lostWrites acknowledged writes missing on the final primary, per instance
     * @param hungCalls calls still running 15 s after the load stopped, all instances together
     * @param quietP99Ms per instance, the 99th percentile of the acknowledged writes that overlapped no move: what
     *     the machine gives without one, to read the pauses against
     * @param quietMaxMs per instance, the longest of those writes
     */
    public record Outcome(
            String peer,
            List<Round> rounds,
            long writes,
            long failedWrites,
            long reads,
            long failedReads,
            double writesPerSecond,
            List<Long> lostWrites,
            int hungCalls,
            String firstWriteError,
            List<Long> quietP99Ms,
            List<Long> quietMaxMs) {}

    /** How the primary moves in a round. */
    @FunctionalInterface
    interface Move {
        /** Moves the primary to {@code to}; returns the switchover's report, or {@code null}. */
        SwitchoverReport run(int round, PostgresNode to) throws Exception;
    }

    /** What must hold before a round starts (not counted in the round). */
    @FunctionalInterface
    interface Ready {
        void await(PostgresNode to) throws Exception;
    }

    private SwitchoverRounds() {}

    /**
     * pgrouter: {@code instances} routers, each with its own load; each round one router after the other runs a
     * switchover with the default options; the old primary rejoins as a standby after each.
     */
    public static Outcome pgrouter(
            ReplicaSet cluster, int instances, int rounds, Duration probeInterval, Consumer<String> log)
            throws Exception {
        List<RoutingDataSource> routers = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            RoutingDataSource router = Target.router(cluster, POOL_SIZE, CONNECTION_TIMEOUT, probeInterval);
            routers.add(router);
            targets.add(Target.pgrouter(router, POOL_SIZE));
        }
        Ready ready = to -> {
            for (RoutingDataSource router : routers) {
                awaitEligible(router, to.name());
            }
        };
        Move move = (round, to) -> {
            RoutingDataSource initiator = routers.get(round % routers.size());
            SwitchoverReport report = initiator.switchover(to.name(), SwitchoverOptions.ofDefaults());
            // A failed check changed nothing; as an operator would, look at why, wait and run it again.
            for (int retry = 0;
                    retry < CHECK_RETRIES && report.result() == SwitchoverReport.Result.CHECKS_FAILED;
                    retry++) {
                log.accept("checks failed, running it again: " + report.reason());
                awaitEligible(initiator, to.name());
                report = initiator.switchover(to.name(), SwitchoverOptions.ofDefaults());
            }
            return report;
        };
        return run("pgrouter", cluster, targets, rounds, ready, move, log);
    }

    /**
     * pgjdbc's multi-host URL ({@code targetServerType=primary} for writes, {@code preferSecondary} for reads,
     * {@code hostRecheckSeconds}) in every instance, and an operator who promotes the standby with the test kit: the
     * old primary stopped first ({@code stopFirst}, a fast shutdown that hands the standbys its last WAL), or stopped
     * right after the promotion returned. The old primary rejoins as a standby after each round.
     */
    public static Outcome pgPromote(
            ReplicaSet cluster,
            int instances,
            int rounds,
            int hostRecheckSeconds,
            boolean stopFirst,
            Consumer<String> log)
            throws Exception {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            targets.add(Target.pgjdbcMultiHost(POOL_SIZE, CONNECTION_TIMEOUT, hostRecheckSeconds)
                    .open(cluster));
        }
        Move move = (round, to) -> {
            PostgresNode old = cluster.primary();
            if (stopFirst) {
                cluster.promote(to, ReplicaSet.OldPrimary.STOP);
            } else {
                cluster.promote(to, ReplicaSet.OldPrimary.KEEP_RUNNING);
                old.stop();
            }
            return null;
        };
        String peer =
                "pgjdbc-recheck" + hostRecheckSeconds + "s, " + (stopFirst ? "stop then promote" : "promote then stop");
        return run(peer, cluster, targets, rounds, to -> {}, move, log);
    }

    private static Outcome run(
            String peer,
            ReplicaSet cluster,
            List<Target> targets,
            int rounds,
            Ready ready,
            Move move,
            Consumer<String> log)
            throws Exception {
        FaultTrial.createTable(cluster);
        String first = cluster.primary().name();
        String second = cluster.replica(0).name();
        List<FaultLoad> loads = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        List<Long> moveEnds = new ArrayList<>();
        List<String> froms = new ArrayList<>();
        List<String> tos = new ArrayList<>();
        List<String> results = new ArrayList<>();
        List<SwitchoverReport> reports = new ArrayList<>();
        long loadStart = System.nanoTime();
        long loadEnd;
        try {
            for (int i = 0; i < targets.size(); i++) {
                loads.add(FaultLoad.start(targets.get(i), THREADS, idBase(), READS_PER_WRITE, PACE));
            }
            awaitWrites(loads);
            for (int round = 0; round < rounds; round++) {
                PostgresNode from = cluster.primary();
                PostgresNode to = cluster.node(from.name().equals(first) ? second : first);
                ready.await(to);
                long t0 = System.nanoTime();
                SwitchoverReport report = move.run(round, to);
                long t1 = System.nanoTime();
                starts.add(t0);
                moveEnds.add(t1);
                froms.add(from.name());
                tos.add(to.name());
                reports.add(report);
                results.add(report == null ? "promoted" : report.result().name().toLowerCase(java.util.Locale.ROOT));
                log.accept(String.format(
                        java.util.Locale.ROOT,
                        "%s, round %d/%d: %s -> %s %s in %d ms%s",
                        peer,
                        round + 1,
                        rounds,
                        from.name(),
                        to.name(),
                        results.get(round),
                        TimeUnit.NANOSECONDS.toMillis(t1 - t0),
                        report == null || report.completed()
                                ? ""
                                : " at " + report.failedStep() + ": " + report.reason()));
                if (report == null || report.completed()) {
                    cluster.adoptPromotion(to);
                    cluster.rejoinAsStandby(from);
                }
                awaitWrites(loads);
                TimeUnit.NANOSECONDS.sleep(SETTLE.toNanos()); // the load runs on: what follows the round counts too
            }
        } finally {
            loadEnd = System.nanoTime();
            for (FaultLoad load : loads) {
                load.close();
            }
        }
        List<Long> lost = new ArrayList<>();
        for (FaultLoad load : loads) {
            lost.add(FaultTrial.lostWrites(cluster, load));
        }
        for (Target target : targets) {
            target.close();
        }
        List<Round> list = new ArrayList<>();
        for (int r = 0; r < starts.size(); r++) {
            long t0 = starts.get(r);
            long next = r + 1 < starts.size() ? starts.get(r + 1) : loadEnd;
            long pauseEnd = moveEnds.get(r) + PAUSE_SLACK.toNanos();
            List<Seen> seen = new ArrayList<>();
            for (FaultLoad load : loads) {
                seen.add(seen(load, t0, pauseEnd, next));
            }
            list.add(new Round(
                    r + 1,
                    froms.get(r),
                    tos.get(r),
                    TimeUnit.NANOSECONDS.toMillis(moveEnds.get(r) - t0),
                    results.get(r),
                    reports.get(r),
                    seen));
        }
        long writes = loads.stream().mapToLong(l -> l.acks().size()).sum();
        List<FaultLoad.Failure> failures =
                loads.stream().flatMap(l -> l.failures().stream()).toList();
        return new Outcome(
                peer,
                list,
                writes,
                failures.stream().filter(FaultLoad.Failure::write).count(),
                loads.stream().mapToLong(FaultLoad::reads).sum(),
                failures.stream().filter(f -> !f.write()).count(),
                writes / ((loadEnd - loadStart) / 1e9),
                lost,
                loads.stream().mapToInt(FaultLoad::hungCalls).sum(),
                failures.stream()
                        .filter(FaultLoad.Failure::write)
                        .map(FaultLoad.Failure::error)
                        .findFirst()
                        .orElse(null),
                loads.stream().map(l -> quiet(l, starts, moveEnds, 0.99)).toList(),
                loads.stream().map(l -> quiet(l, starts, moveEnds, 1.0)).toList());
    }

    /** The {@code quantile} of the acknowledged writes of {@code load} that overlapped no move, in ms. */
    private static long quiet(FaultLoad load, List<Long> starts, List<Long> moveEnds, double quantile) {
        long[] nanos = load.acks().stream()
                .filter(ack -> {
                    for (int r = 0; r < starts.size(); r++) {
                        if (ack.endNanos() >= starts.get(r)
                                && ack.startNanos() <= moveEnds.get(r) + PAUSE_SLACK.toNanos()) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToLong(ack -> ack.endNanos() - ack.startNanos())
                .sorted()
                .toArray();
        if (nanos.length == 0) {
            return 0;
        }
        int index = (int) Math.min(nanos.length - 1, Math.ceil(nanos.length * quantile) - 1);
        return TimeUnit.NANOSECONDS.toMillis(nanos[Math.max(0, index)]);
    }

    /** What one instance's load saw in a round that started at {@code t0} and ended at {@code next}. */
    private static Seen seen(FaultLoad load, long t0, long pauseEnd, long next) {
        long longest = 0;
        for (FaultLoad.Ack ack : load.acks()) {
            if (ack.endNanos() >= t0 && ack.startNanos() <= pauseEnd) {
                longest = Math.max(longest, ack.endNanos() - ack.startNanos());
            }
        }
        long failed = 0;
        long lastFailureEnd = t0;
        for (FaultLoad.Failure f : load.failures()) {
            if (!f.write()) {
                continue;
            }
            if (f.endNanos() >= t0 && f.startNanos() <= pauseEnd) {
                longest = Math.max(longest, f.endNanos() - f.startNanos());
            }
            if (f.startNanos() >= t0 && f.startNanos() < next) {
                failed++;
                lastFailureEnd = Math.max(lastFailureEnd, f.endNanos());
            }
        }
        return new Seen(
                TimeUnit.NANOSECONDS.toMillis(longest), failed, TimeUnit.NANOSECONDS.toMillis(lastFailureEnd - t0));
    }

    /** Ids of a new load: apart from every other load's in this JVM (a load spreads its threads 10^7 apart). */
    private static long idBase() {
        return LOADS.incrementAndGet() * 1_000_000_000L;
    }

    /** Waits (bounded) until every load has had a write acknowledged from now on: writes flow everywhere. */
    private static void awaitWrites(List<FaultLoad> loads) throws InterruptedException {
        List<Integer> before = loads.stream().map(l -> l.acks().size()).toList();
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        for (int i = 0; i < loads.size(); i++) {
            while (loads.get(i).acks().size() <= before.get(i) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }

    private static void awaitEligible(RoutingDataSource router, String node) throws InterruptedException {
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (!router.status().node(node).eligible()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("'" + node + "' did not become eligible within " + GENEROUS.toSeconds()
                        + " s: " + router.status().node(node).notEligibleReason());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
