package io.pgrouter.benchmarks.detection;

import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.Loops;
import io.pgrouter.benchmarks.Peer;
import io.pgrouter.benchmarks.Peers;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.Stats;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entry 3a: reads run steadily through a peer, the replica is killed (SIGKILL), and the failed reads are counted:
 * all of them, and those that started after the kill (a read already running on the dying server cannot be saved
 * by any router; one that started later could have gone elsewhere).
 */
public final class ReplicaKilledEntry implements Entry {

    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    private static final int READERS = 4;

    /** One trial's outcome. */
    private record Outcome(
            long reads, long failed, long failedStartedAfterKill, long msToLastFailure, String firstError) {}

    @Override
    public String name() {
        return "detection-replica-killed";
    }

    @Override
    public String title() {
        return "3a. Detection: replica killed";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        int trials = context.trials(10, 2);
        Duration window = context.window(Duration.ofSeconds(5), Duration.ofSeconds(2));
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        try (ReplicaSet cluster = context.startCluster(1)) {
            PostgresNode replica = cluster.replica(0);
            for (int trial = 1; trial <= trials; trial++) {
                for (String peerName : List.of("pgrouter", "pgjdbc-recheck10s", "pgjdbc-recheck2s")) {
                    Peers peers = Peers.of(Endpoints.of(cluster), READERS);
                    Outcome outcome;
                    try (Peer peer = open(peers, peerName)) {
                        peer.awaitReadsOnReplica(Duration.ofSeconds(30));
                        outcome = trial(peer, replica, window);
                    } finally {
                        if (!replica.isRunning()) {
                            replica.start();
                        }
                        cluster.awaitReplicated(Duration.ofSeconds(60));
                    }
                    outcomes.computeIfAbsent(peerName, k -> new ArrayList<>()).add(outcome);
                    context.log("replica killed, trial %d/%d, %s: %s", trial, trials, peerName, outcome);
                }
            }
        }
        var table = report.table(
                "Reads failed when the replica was killed (" + READERS + " reader threads, " + trials
                        + " trials, window " + window.toSeconds() + " s after the kill)",
                "peer",
                "failed reads median",
                "max",
                "failed reads started after the kill median",
                "max",
                "kill → last failure ms median",
                "max",
                "reads per trial (median)",
                "first error seen");
        outcomes.forEach((peer, list) -> {
            List<Long> failed = list.stream().map(Outcome::failed).toList();
            List<Long> after =
                    list.stream().map(Outcome::failedStartedAfterKill).toList();
            List<Long> lastMs = list.stream().map(Outcome::msToLastFailure).toList();
            String error = list.stream()
                    .map(Outcome::firstError)
                    .filter(e -> e != null)
                    .findFirst()
                    .orElse(null);
            table.row(
                    peer,
                    Stats.median(failed),
                    Stats.max(failed),
                    Stats.median(after),
                    Stats.max(after),
                    Stats.median(lastMs),
                    Stats.max(lastMs),
                    Stats.median(list.stream().map(Outcome::reads).toList()),
                    error == null ? null : abbreviate(error));
            report.value(peer + ".failedReads.median", Stats.median(failed));
            report.value(peer + ".failedReads.max", Stats.max(failed));
            report.value(peer + ".failedReadsStartedAfterKill.max", Stats.max(after));
        });
        List<Outcome> pgrouter = outcomes.get("pgrouter");
        double maxFailed = Stats.max(pgrouter.stream().map(Outcome::failed).toList());
        double maxAfter =
                Stats.max(pgrouter.stream().map(Outcome::failedStartedAfterKill).toList());
        report.goal(
                "0 failed reads when a replica is killed (pgrouter)",
                maxFailed == 0,
                String.format(
                        Locale.ROOT,
                        "max %.0f failed per trial, of which %.0f started after the kill",
                        maxFailed,
                        maxAfter));
        report.note("pgrouter: primary + 1 replica, probe interval " + PROBE_INTERVAL.toMillis() + " ms; pgjdbc: one "
                + "HikariCP pool over a multi-host URL with targetServerType=preferSecondary. " + READERS
                + " connections per pool, each reader pauses 2 ms between reads (SELECT pg_is_in_recovery()). After "
                + "each trial the replica is started again and caught up before the next peer's trial.");
        report.note("No router can save a read whose statement is already running on the server that dies; "
                + "'started after the kill' counts the reads a router could have sent elsewhere.");
    }

    static Peer open(Peers peers, String name) {
        return switch (name) {
            case "pgrouter" -> peers.pgrouter(PROBE_INTERVAL, b -> {});
            case "pgjdbc-recheck10s" -> peers.pgjdbcMultiHost("preferSecondary", 10);
            case "pgjdbc-recheck2s" -> peers.pgjdbcMultiHost("preferSecondary", 2);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Outcome trial(Peer peer, PostgresNode replica, Duration window) throws Exception {
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastFailure = new AtomicLong(Long.MIN_VALUE);
        AtomicReference<String> firstError = new AtomicReference<>();
        LongAdder reads = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder failedAfter = new LongAdder();
        try (Loops readers = Loops.start("reader", READERS, thread -> {
            long started = System.nanoTime();
            try {
                peer.readOnReplica();
                reads.increment();
            } catch (SQLException e) {
                failed.increment();
                long killed = killedAt.get();
                if (killed != Long.MAX_VALUE && started - killed >= 0) {
                    failedAfter.increment();
                }
                lastFailure.accumulateAndGet(System.nanoTime(), Math::max);
                firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            Loops.pause(2);
        })) {
            Thread.sleep(1000);
            killedAt.set(System.nanoTime());
            replica.kill();
            Thread.sleep(window.toMillis());
        }
        long last = lastFailure.get();
        long ms = last == Long.MIN_VALUE ? 0 : Math.max(0, (last - killedAt.get()) / 1_000_000);
        return new Outcome(reads.sum(), failed.sum(), failedAfter.sum(), ms, firstError.get());
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }
}
