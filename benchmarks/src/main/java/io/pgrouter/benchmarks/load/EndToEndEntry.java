package io.pgrouter.benchmarks.load;

import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.Loops;
import io.pgrouter.benchmarks.Peer;
import io.pgrouter.benchmarks.Peers;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Entry 2: a closed loop of fixed threads, each running one operation after the other, 80% reads (a primary-key
 * lookup, with read intent) and 20% writes (an update), against primary + replica, through each peer in turn.
 */
public final class EndToEndEntry implements Entry {

    static final int THREADS = 8;
    static final int POOL_SIZE = 4;
    private static final int ROWS = 10_000;
    static final int READ_PERCENT = 80;

    /** One peer's run. */
    record Outcome(
            double opsPerSecond,
            double p50Micros,
            double p99Micros,
            double p999Micros,
            long errors,
            double replicaShare) {}

    @Override
    public String name() {
        return "end-to-end";
    }

    @Override
    public String title() {
        return "2. End to end: closed loop, 80% reads";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        Duration warmup = context.window(Duration.ofSeconds(5), Duration.ofSeconds(2));
        Duration measure = context.window(Duration.ofSeconds(20), Duration.ofSeconds(6));
        var table = report.table(
                "Throughput and latency, " + THREADS + " threads, pools of " + POOL_SIZE + " per node, "
                        + measure.toSeconds() + " s per peer",
                "peer",
                "ops/s",
                "vs hikari-primary",
                "p50 µs",
                "p99 µs",
                "p99.9 µs",
                "errors",
                "reads answered by the replica");
        try (ReplicaSet cluster = context.startCluster(1)) {
            createTable(cluster);
            Peers peers = Peers.of(Endpoints.of(cluster), POOL_SIZE);
            double baseline = Double.NaN;
            for (String name : List.of("hikari-primary", "spring-routing", "pgrouter")) {
                Outcome outcome;
                try (Peer peer = switch (name) {
                    case "hikari-primary" -> peers.hikariOnPrimary();
                    case "spring-routing" -> peers.springRouting();
                    default -> peers.pgrouter(Duration.ofMillis(500), b -> {});
                }) {
                    if (!name.equals("hikari-primary")) {
                        peer.awaitReadsOnReplica(Duration.ofSeconds(30));
                    }
                    outcome = drive(peer, warmup, measure);
                }
                if (name.equals("hikari-primary")) {
                    baseline = outcome.opsPerSecond();
                }
                context.log("end to end, %s: %s", name, outcome);
                table.row(
                        name,
                        outcome.opsPerSecond(),
                        outcome.opsPerSecond() / baseline,
                        outcome.p50Micros(),
                        outcome.p99Micros(),
                        outcome.p999Micros(),
                        outcome.errors(),
                        outcome.replicaShare());
                report.value(name + ".opsPerSecond", outcome.opsPerSecond());
                report.value(name + ".p50Micros", outcome.p50Micros());
                report.value(name + ".p99Micros", outcome.p99Micros());
            }
        }
        report.note(String.format(
                Locale.ROOT,
                "Each operation takes a connection from the peer, runs one statement and "
                        + "closes it: %d%% `SELECT v FROM bench_kv WHERE id = ?` (read intent: setReadOnly(true) before first "
                        + "use for pgrouter and Spring), %d%% `UPDATE bench_kv SET v = v + 1 WHERE id = ?`, ids uniform over %d "
                        + "rows. Warm-up %d s, then measured %d s; latency recorded per operation with HdrHistogram.",
                READ_PERCENT,
                100 - READ_PERCENT,
                ROWS,
                warmup.toSeconds(),
                measure.toSeconds()));
        report.note("The machine has 2 cores shared by the client and both servers: the routed peers spread reads "
                + "over two servers on the same 2 cores, so this shows overhead, not scale-out. Every pool has "
                + POOL_SIZE + " connections (raw HikariCP has one pool, the routed peers one per node).");
    }

    /** Creates and fills the table the loop reads and updates, and waits until the replicas have it. */
    static void createTable(ReplicaSet cluster) throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_kv (id int PRIMARY KEY, v bigint NOT NULL)");
            s.execute("INSERT INTO bench_kv SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
            s.execute("VACUUM ANALYZE bench_kv");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    /** The closed loop over {@code peer}: warm-up, then measured. */
    static Outcome drive(Peer peer, Duration warmup, Duration measure) throws Exception {
        Recorder recorder = new Recorder(3);
        LongAdder ops = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder reads = new LongAdder();
        LongAdder readsOnReplica = new LongAdder();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        try (Loops loops = Loops.start("e2e", THREADS, thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            boolean read = random.nextInt(100) < READ_PERCENT;
            int id = 1 + random.nextInt(ROWS);
            long started = System.nanoTime();
            boolean onReplica = false;
            try (Connection c = read ? peer.readConnection() : peer.dataSource().getConnection()) {
                if (read) {
                    try (PreparedStatement s =
                            c.prepareStatement("SELECT v, pg_is_in_recovery() FROM bench_kv WHERE id = ?")) {
                        s.setInt(1, id);
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            onReplica = rs.getBoolean(2);
                        }
                    }
                } else {
                    try (PreparedStatement s = c.prepareStatement("UPDATE bench_kv SET v = v + 1 WHERE id = ?")) {
                        s.setInt(1, id);
                        s.executeUpdate();
                    }
                }
            } catch (SQLException e) {
                errors.increment();
                return;
            }
            long ended = System.nanoTime();
            if (started - measureFrom.get() >= 0) {
                recorder.recordValue((ended - started) / 1000);
                ops.increment();
                if (read) {
                    reads.increment();
                    if (onReplica) {
                        readsOnReplica.increment();
                    }
                }
            }
        })) {
            Thread.sleep(warmup.toMillis());
            recorder.reset();
            measureFrom.set(System.nanoTime());
            Thread.sleep(measure.toMillis());
            long measured = System.nanoTime() - measureFrom.get();
            measureFrom.set(Long.MAX_VALUE);
            Histogram histogram = recorder.getIntervalHistogram();
            return new Outcome(
                    ops.sum() / (measured / 1e9),
                    histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(99),
                    histogram.getValueAtPercentile(99.9),
                    errors.sum(),
                    reads.sum() == 0 ? 0 : (double) readsOnReplica.sum() / reads.sum());
        }
    }
}
