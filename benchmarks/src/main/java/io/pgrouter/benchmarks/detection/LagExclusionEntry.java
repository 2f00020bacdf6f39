package io.pgrouter.benchmarks.detection;

import io.pgrouter.LagThresholds;
import io.pgrouter.RoutingDataSource;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entry 3b: under a steady trickle of writes, the replica's WAL replay is paused; its lag in time then crosses the
 * threshold {@link #MAX_DELAY} after the pause. Measured: from that crossing to the router taking the replica out
 * of rotation, and the share of reads still served by the lagging replica after the crossing.
 */
public final class LagExclusionEntry implements Entry {

    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(1);
    private static final int READERS = 2;

    /** One trial; {@code msToExclusion} is {@code null} for never. */
    private record Outcome(Long msToExclusion, long readsAfterCrossing, long onLaggingReplicaAfterCrossing) {
        double share() {
            return readsAfterCrossing == 0 ? Double.NaN : (double) onLaggingReplicaAfterCrossing / readsAfterCrossing;
        }
    }

    @Override
    public String name() {
        return "detection-lag";
    }

    @Override
    public String title() {
        return "3b. Detection: replica lag crossing the threshold";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        int trials = context.trials(10, 2);
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        try (ReplicaSet cluster = context.startCluster(1)) {
            try (Connection c = cluster.primary().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_ticks (id bigserial PRIMARY KEY, at timestamptz NOT NULL)");
            }
            PostgresNode replica = cluster.replica(0);
            try (Connection writer = cluster.primary().dataSource().getConnection();
                    Loops writes = Loops.start("writer", 1, thread -> {
                        try (Statement s = writer.createStatement()) {
                            s.execute("INSERT INTO bench_ticks (at) VALUES (clock_timestamp())");
                        }
                        Loops.pause(10);
                    })) {
                for (int trial = 1; trial <= trials; trial++) {
                    for (String peerName : List.of("pgrouter", "pgjdbc-recheck10s", "pgjdbc-recheck2s")) {
                        // pgjdbc has no notion of lag: one trial each shows it, more would only repeat it.
                        if (!peerName.equals("pgrouter") && trial > 1) {
                            continue;
                        }
                        Peers peers = Peers.of(Endpoints.of(cluster), READERS);
                        Outcome outcome;
                        try (Peer peer = open(peers, peerName)) {
                            peer.awaitReadsOnReplica(Duration.ofSeconds(30));
                            outcome = trial(peer, replica);
                        } finally {
                            replica.resumeReplay();
                            cluster.awaitReplicated(Duration.ofSeconds(60));
                        }
                        outcomes.computeIfAbsent(peerName, k -> new ArrayList<>())
                                .add(outcome);
                        context.log("lag, trial %d/%d, %s: %s", trial, trials, peerName, outcome);
                    }
                }
            }
        }
        var table = report.table(
                "From the lag crossing " + MAX_DELAY.toMillis() + " ms to exclusion (probe interval "
                        + PROBE_INTERVAL.toMillis() + " ms)",
                "peer",
                "trials",
                "ms to exclusion median",
                "max",
                "reads on the lagging replica after the crossing (median share)");
        outcomes.forEach((peer, list) -> {
            boolean never = list.stream().allMatch(o -> o.msToExclusion() == null);
            List<Long> ms = list.stream()
                    .map(Outcome::msToExclusion)
                    .filter(m -> m != null)
                    .toList();
            table.row(
                    peer,
                    list.size(),
                    never ? "never" : Stats.median(ms),
                    never ? "never" : Stats.max(ms),
                    Stats.median(list.stream().map(Outcome::share).toList()));
            report.value(peer + ".msToExclusion.median", never ? null : Stats.median(ms));
            report.value(peer + ".msToExclusion.max", never ? null : Stats.max(ms));
        });
        List<Outcome> pgrouter = outcomes.get("pgrouter");
        boolean allExcluded = pgrouter.stream().allMatch(o -> o.msToExclusion() != null);
        double max = Stats.max(pgrouter.stream()
                .map(Outcome::msToExclusion)
                .filter(m -> m != null)
                .toList());
        report.goal(
                "exclusion within 2 probe intervals of the crossing (pgrouter)",
                allExcluded && max <= 2 * PROBE_INTERVAL.toMillis(),
                String.format(
                        Locale.ROOT,
                        "max %.0f ms (limit %d ms)%s",
                        max,
                        2 * PROBE_INTERVAL.toMillis(),
                        allExcluded ? "" : "; some trials never excluded"));
        report.note("A writer inserts a row every 10 ms; replay on the replica is paused with pg_wal_replay_pause(). "
                + "The first change left unapplied was committed just after the pause, so the replica's lag in time "
                + "crosses max-delay " + MAX_DELAY.toMillis() + " ms at pause + " + MAX_DELAY.toMillis()
                + " ms (within one write interval). pgrouter thresholds: max-delay " + MAX_DELAY.toMillis()
                + " ms, max-bytes 1 GiB (so time decides), rejoin after 3 probes. Exclusion is seen by polling "
                + "status() every 5 ms; a negative time would mean excluded before the crossing.");
        report.note("pgjdbc multi-host picks hosts at connect time by role only: it never excludes a lagging replica. "
                + "Its row is one trial per setting; the reads kept going to the lagging replica.");
    }

    private static Peer open(Peers peers, String name) {
        if (name.equals("pgrouter")) {
            return peers.pgrouter(PROBE_INTERVAL, b -> b.lagThresholds(new LagThresholds(1L << 30, MAX_DELAY, 3)));
        }
        return ReplicaKilledEntry.open(peers, name);
    }

    private static Outcome trial(Peer peer, PostgresNode replica) throws Exception {
        AtomicLong crossing = new AtomicLong(Long.MAX_VALUE);
        LongAdder readsAfter = new LongAdder();
        LongAdder onReplicaAfter = new LongAdder();
        long excludedAt = -1;
        long pausedAt;
        try (Loops readers = Loops.start("reader", READERS, thread -> {
            long started = System.nanoTime();
            boolean onReplica;
            try {
                onReplica = peer.readOnReplica();
            } catch (SQLException e) {
                Loops.pause(2);
                return;
            }
            long cross = crossing.get();
            if (cross != Long.MAX_VALUE && started - cross >= 0) {
                readsAfter.increment();
                if (onReplica) {
                    onReplicaAfter.increment();
                }
            }
            Loops.pause(2);
        })) {
            Thread.sleep(1000);
            pausedAt = System.nanoTime();
            replica.pauseReplay();
            crossing.set(pausedAt + MAX_DELAY.toNanos());
            long deadline = pausedAt + MAX_DELAY.toNanos() + 4 * PROBE_INTERVAL.toNanos() + 1_000_000_000L;
            RoutingDataSource router = peer.dataSource() instanceof RoutingDataSource r ? r : null;
            while (System.nanoTime() - deadline < 0) {
                if (router != null
                        && excludedAt < 0
                        && !router.status().replicas().get(0).eligible()) {
                    excludedAt = System.nanoTime();
                }
                Thread.sleep(5);
            }
        }
        Long ms = excludedAt < 0 ? null : (excludedAt - pausedAt - MAX_DELAY.toNanos()) / 1_000_000;
        return new Outcome(ms, readsAfter.sum(), onReplicaAfter.sum());
    }
}
