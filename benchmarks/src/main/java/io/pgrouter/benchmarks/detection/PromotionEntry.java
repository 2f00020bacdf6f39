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
import java.sql.Connection;
import java.sql.ResultSet;
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
 * Entry 3c: a failover. Writes run steadily; the primary is killed and the replica promoted. Measured: from the
 * promotion (when the new primary accepts writes) to the first write that succeeds on it. Between trials the old
 * primary rejoins as a standby of the new one, so each trial starts from a primary and a streaming replica.
 */
public final class PromotionEntry implements Entry {

    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    private static final Duration GIVE_UP = Duration.ofSeconds(20);

    /** One trial; {@code msToFirstWrite} is {@code null} when no write succeeded within {@link #GIVE_UP}. */
    private record Outcome(Long msToFirstWrite, long msPromotion, long failedWrites) {}

    @Override
    public String name() {
        return "detection-promotion";
    }

    @Override
    public String title() {
        return "3c. Detection: replica promoted (failover)";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        int trials = context.trials(10, 2);
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        try (ReplicaSet cluster = context.startCluster(1)) {
            try (Connection c = cluster.primary().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_writes (id bigserial PRIMARY KEY, at timestamptz NOT NULL)");
            }
            cluster.awaitReplicated(Duration.ofSeconds(30));
            for (int trial = 1; trial <= trials; trial++) {
                for (String peerName : List.of("pgrouter", "pgjdbc-recheck10s", "pgjdbc-recheck2s")) {
                    Outcome outcome = trial(cluster, peerName);
                    outcomes.computeIfAbsent(peerName, k -> new ArrayList<>()).add(outcome);
                    context.log("promotion, trial %d/%d, %s: %s", trial, trials, peerName, outcome);
                }
            }
        }
        var table = report.table(
                "From promotion to the first successful write on the new primary",
                "peer",
                "trials",
                "ms median",
                "max",
                "trials without a write within " + GIVE_UP.toSeconds() + " s",
                "failed writes per trial (median)",
                "kill + promote took ms (median)");
        outcomes.forEach((peer, list) -> {
            List<Long> ms = list.stream()
                    .map(Outcome::msToFirstWrite)
                    .filter(m -> m != null)
                    .toList();
            table.row(
                    peer,
                    list.size(),
                    Stats.median(ms),
                    Stats.max(ms),
                    list.size() - ms.size(),
                    Stats.median(list.stream().map(Outcome::failedWrites).toList()),
                    Stats.median(list.stream().map(Outcome::msPromotion).toList()));
            report.value(peer + ".msToFirstWrite.median", Stats.median(ms));
            report.value(peer + ".msToFirstWrite.max", Stats.max(ms));
        });
        List<Outcome> pgrouter = outcomes.get("pgrouter");
        List<Long> ms = pgrouter.stream()
                .map(Outcome::msToFirstWrite)
                .filter(m -> m != null)
                .toList();
        report.goal(
                "writes resume within 1 s of promotion (pgrouter)",
                ms.size() == pgrouter.size() && Stats.max(ms) <= 1000,
                String.format(Locale.ROOT, "median %.0f ms, max %.0f ms", Stats.median(ms), Stats.max(ms)));
        report.note("One writer inserts a row every 5 ms (each on a connection from the peer) and records which server "
                + "answered (inet_server_port()). The primary is killed (SIGKILL), then the replica promoted with the "
                + "test kit (pg_promote, waits until it accepts writes); time runs from promote returning. pgrouter is "
                + "configured with the old roles and follows the promotion through its probes (interval "
                + PROBE_INTERVAL.toMillis() + " ms); pgjdbc is one HikariCP pool over a multi-host URL listing the old "
                + "primary first, targetServerType=primary. Pool connection timeout "
                + Peers.CONNECTION_TIMEOUT.toMillis()
                + " ms everywhere.");
    }

    private static Outcome trial(ReplicaSet cluster, String peerName) throws Exception {
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode newPrimary = cluster.replica(0);
        int newPort = newPrimary.port();
        Peers peers = Peers.of(Endpoints.of(cluster), 2);
        AtomicLong promotedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstWriteAt = new AtomicLong(Long.MAX_VALUE);
        LongAdder failed = new LongAdder();
        long promoteMs;
        try (Peer peer = switch (peerName) {
            case "pgrouter" -> peers.pgrouter(PROBE_INTERVAL, b -> {});
            case "pgjdbc-recheck10s" -> peers.pgjdbcMultiHost("primary", 10);
            case "pgjdbc-recheck2s" -> peers.pgjdbcMultiHost("primary", 2);
            default -> throw new IllegalArgumentException(peerName);
        }) {
            awaitWrite(peer);
            try (Loops writer = Loops.start("writer", 1, thread -> {
                try (Connection c = peer.dataSource().getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(
                                "INSERT INTO bench_writes (at) VALUES (clock_timestamp()) RETURNING inet_server_port()")) {
                    rs.next();
                    long now = System.nanoTime();
                    if (rs.getInt(1) == newPort && firstWriteAt.get() == Long.MAX_VALUE) {
                        firstWriteAt.set(now);
                    }
                } catch (SQLException e) {
                    failed.increment();
                }
                Loops.pause(5);
            })) {
                Thread.sleep(1000);
                long killAt = System.nanoTime();
                oldPrimary.kill();
                cluster.promote(newPrimary);
                promotedAt.set(System.nanoTime());
                promoteMs = (promotedAt.get() - killAt) / 1_000_000;
                long deadline = promotedAt.get() + GIVE_UP.toNanos();
                while (firstWriteAt.get() == Long.MAX_VALUE && System.nanoTime() - deadline < 0) {
                    Thread.sleep(5);
                }
            }
        } finally {
            if (cluster.primary() != oldPrimary) {
                cluster.rejoinAsStandby(oldPrimary);
            } else if (!oldPrimary.isRunning()) {
                oldPrimary.start();
            }
            cluster.awaitReplicated(Duration.ofSeconds(60));
        }
        long first = firstWriteAt.get();
        // A write may land on the new primary before promote() returns (it accepts writes a moment earlier): 0.
        Long ms = first == Long.MAX_VALUE ? null : Math.max(0, (first - promotedAt.get()) / 1_000_000);
        return new Outcome(ms, promoteMs, failed.sum());
    }

    private static void awaitWrite(Peer peer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = peer.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO bench_writes (at) VALUES (clock_timestamp())");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(peer.name() + " could not write within 30 s", e);
                }
                Thread.sleep(50);
            }
        }
    }
}
