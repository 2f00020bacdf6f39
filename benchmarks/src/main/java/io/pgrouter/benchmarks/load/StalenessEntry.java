package io.pgrouter.benchmarks.load;

import io.pgrouter.RouteScope;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.Loops;
import io.pgrouter.benchmarks.Peer;
import io.pgrouter.benchmarks.Peers;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entry 4: how often a plain replica read misses a row that was committed before the read started, under a steady
 * write load, with and without a replay delay on the replica. The baseline that read-your-writes will be measured
 * against (as a new entry, or new rows here).
 */
public final class StalenessEntry implements Entry {

    private static final int READERS = 2;
    private static final Duration DELAY = Duration.ofMillis(200);

    /** One condition's counts. */
    private record Outcome(long reads, long missed, long onReplica) {
        double missRate() {
            return reads == 0 ? Double.NaN : (double) missed / reads;
        }
    }

    @Override
    public String name() {
        return "staleness";
    }

    @Override
    public String title() {
        return "4. Staleness of plain replica reads";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        Duration window = context.window(Duration.ofSeconds(20), Duration.ofSeconds(5));
        var table = report.table(
                "Reads that miss a row committed before they started (" + window.toSeconds() + " s per condition)",
                "condition",
                "reads",
                "missed",
                "miss rate",
                "reads answered by the replica");
        try (ReplicaSet cluster = context.startCluster(1)) {
            try (Connection c = cluster.primary().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_seq (id bigint PRIMARY KEY, at timestamptz NOT NULL)");
            }
            PostgresNode replica = cluster.replica(0);
            AtomicLong committed = new AtomicLong();
            AtomicLong nextId = new AtomicLong();
            try (Connection writer = cluster.primary().dataSource().getConnection();
                    PreparedStatement insert =
                            writer.prepareStatement("INSERT INTO bench_seq (id, at) VALUES (?, clock_timestamp())");
                    Loops writes = Loops.start("writer", 1, thread -> {
                        long id = nextId.incrementAndGet();
                        insert.setLong(1, id);
                        insert.executeUpdate();
                        // Published only once the commit returned: a read that starts later must see it.
                        committed.set(id);
                        Loops.pause(5);
                    });
                    Peer peer = Peers.of(Endpoints.of(cluster), READERS).pgrouter(Duration.ofMillis(500), b -> {})) {
                RoutingDataSource router = (RoutingDataSource) peer.dataSource();
                peer.awaitReadsOnReplica(Duration.ofSeconds(30));
                measure(
                        "no replay delay, pgrouter read (replica)",
                        peer,
                        null,
                        committed,
                        window,
                        table,
                        report,
                        context);
                replica.setReplayDelay(DELAY);
                Thread.sleep(DELAY.toMillis() * 2);
                peer.awaitReadsOnReplica(Duration.ofSeconds(30));
                measure(
                        "replay delay " + DELAY.toMillis() + " ms, pgrouter read (replica)",
                        peer,
                        null,
                        committed,
                        window,
                        table,
                        report,
                        context);
                measure(
                        "replay delay " + DELAY.toMillis() + " ms, pgrouter readOnly(maxStaleness 100 ms)",
                        peer,
                        () -> router.readOnly(Duration.ofMillis(100)),
                        committed,
                        window,
                        table,
                        report,
                        context);
                replica.setReplayDelay(Duration.ZERO);
            }
        }
        report.note("A writer commits one row every 5 ms on the primary and publishes its id after COMMIT returns. "
                + READERS
                + " readers each take the last published id, then look it up through pgrouter with read intent; "
                + "a read that finds no row missed a write committed before it started.");
        report.note("The delay is recovery_min_apply_delay on the replica (PostgreSQL applies each commit no sooner "
                + "than that after the primary made it). It stays under pgrouter's default max-delay (5 s), so the "
                + "replica stays in rotation: this is what plain replica reads see. The maxStaleness row uses the "
                + "staleness-bounded scope: the replica, 200 ms behind, is too stale, so reads go to the primary.");
        report.note("Read-your-writes (causal tokens) will be measured against this baseline as further rows.");
    }

    /** Opens the scope a condition reads in, or none. */
    @FunctionalInterface
    private interface ScopeOpener {
        RouteScope open();
    }

    private static void measure(
            String condition,
            Peer peer,
            ScopeOpener scope,
            AtomicLong committed,
            Duration window,
            io.pgrouter.benchmarks.report.Table table,
            EntryReport report,
            RunContext context)
            throws Exception {
        LongAdder reads = new LongAdder();
        LongAdder missed = new LongAdder();
        LongAdder onReplica = new LongAdder();
        try (Loops readers = Loops.start("reader", READERS, thread -> {
            long expected = committed.get();
            try (RouteScope ignored = scope == null ? null : scope.open();
                    Connection c = peer.readConnection();
                    PreparedStatement s = c.prepareStatement(
                            "SELECT EXISTS (SELECT 1 FROM bench_seq WHERE id = ?), pg_is_in_recovery()")) {
                s.setLong(1, expected);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    reads.increment();
                    if (!rs.getBoolean(1)) {
                        missed.increment();
                    }
                    if (rs.getBoolean(2)) {
                        onReplica.increment();
                    }
                }
            } catch (SQLException e) {
                // counted as neither: a failed read says nothing about staleness
            }
            Loops.pause(2);
        })) {
            Thread.sleep(window.toMillis());
        }
        Outcome outcome = new Outcome(reads.sum(), missed.sum(), onReplica.sum());
        context.log("staleness, %s: %s", condition, outcome);
        table.row(
                condition,
                outcome.reads(),
                outcome.missed(),
                outcome.missRate(),
                outcome.reads() == 0 ? 0.0 : (double) outcome.onReplica() / outcome.reads());
        report.value(condition + ".missRate", outcome.missRate());
    }
}
