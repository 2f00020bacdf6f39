package io.pgrouter.benchmarks.load;

import io.pgrouter.CausalSession;
import io.pgrouter.ConsistencyMode;
import io.pgrouter.RouteScope;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.Peer;
import io.pgrouter.benchmarks.Peers;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.Stats;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.benchmarks.report.Table;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Read-your-writes (issue 12): the consistency checker ({@link ReadAfterWriteChecker}) on a primary and two replicas
 * that apply commits 200 ms late, without sessions and with sessions in both modes, then with no delay; and the cost
 * of capturing a position per writing transaction, exact against probe against no session, in the same run.
 */
public final class ConsistencyEntry implements Entry {

    private static final Duration DELAY = Duration.ofMillis(200);
    private static final int WRITERS = 8;
    /** The writers' combined target: the issue asks for at least 200 writes/s; pacing keeps it near this. */
    private static final double WRITES_PER_SECOND = 300;

    private static final int CHECKERS = 24;
    /**
     * Per node and router: writers, checkers, token readers, plain readers and a margin; two routers stay under
     * max_connections (100).
     */
    private static final int POOL_SIZE = CHECKERS + WRITERS + ReadAfterWriteChecker.TOKEN_READERS + 6;

    @Override
    public String name() {
        return "consistency";
    }

    @Override
    public String title() {
        return "5. Read-your-writes: the consistency checker and the cost of a capture";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        long targetPairs = context.quick() ? 3_000 : 100_000;
        Duration cap = context.window(Duration.ofMinutes(20), Duration.ofSeconds(90));
        Duration window = context.window(Duration.ofSeconds(60), Duration.ofSeconds(15));
        Table checks = report.table(
                "Read-after-write pairs: " + WRITERS + " writer threads (target " + (int) WRITES_PER_SECOND
                        + " writes/s), " + CHECKERS
                        + " checker threads, 2 replicas, probe interval 500 ms, max-wait 100 ms",
                "condition",
                "s",
                "writes/s",
                "pairs",
                "violations",
                "violation rate",
                "read-backs on replicas",
                "same router, token (pairs/violations)",
                "other thread (pairs/violations)",
                "other router, token (pairs/violations)",
                "plain reads on replicas",
                "writes not checked",
                "errors");
        Map<String, ReadAfterWriteChecker.Result> results = new LinkedHashMap<>();
        try (ReplicaSet cluster = context.startCluster(2)) {
            try (Connection c = cluster.primary().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute(ReadAfterWriteChecker.TABLE);
            }
            Endpoints endpoints = Endpoints.of(cluster);
            List<Condition> delayed = List.of(
                    new Condition("delay 200 ms, no session", ConsistencyMode.EXACT, false, Long.MAX_VALUE, window),
                    new Condition("delay 200 ms, exact", ConsistencyMode.EXACT, true, targetPairs, cap),
                    new Condition("delay 200 ms, probe", ConsistencyMode.PROBE, true, targetPairs, cap));
            List<Condition> onTime = List.of(
                    new Condition("no delay, exact", ConsistencyMode.EXACT, true, Long.MAX_VALUE, window),
                    new Condition("no delay, probe", ConsistencyMode.PROBE, true, Long.MAX_VALUE, window));
            setDelay(cluster, DELAY);
            for (Condition condition : delayed) {
                check(context, endpoints, condition, checks, results);
            }
            setDelay(cluster, Duration.ZERO);
            for (Condition condition : onTime) {
                check(context, endpoints, condition, checks, results);
            }
            captureCost(context, endpoints, report);
            monotonicCost(context, endpoints, report);
        }
        goals(report, results, targetPairs);
        report.note("Each writer commits a row (INSERT ... RETURNING id) through the first router inside its own causal"
                + " session and never reads itself, so that the write rate measures writes. Every 8th write is handed, if"
                + " one is free at that moment, to one of " + ReadAfterWriteChecker.TOKEN_READERS + " token reader"
                + " threads that reads the row back through the same router with a session made from the writer's token"
                + " (the user's next request); the others to a checker that reads it back twice: on its thread with the"
                + " writer's session object, and through a second router over the same cluster (another service"
                + " instance) with a session made from the token taken right after the commit. A read-back that does not"
                + " find its row is a violation. Writes no reader was free for are not checked (so no check reads an old"
                + " write).");
        report.note(
                "The replay delay is recovery_min_apply_delay on both replicas. Two plain reader threads read without"
                        + " a session all along. Routers use the defaults: probe interval 500 ms, max-wait 100 ms, max-delay 5 s.");
    }

    private static void setDelay(ReplicaSet cluster, Duration delay) throws SQLException {
        for (PostgresNode replica : cluster.replicas()) {
            replica.setReplayDelay(delay);
        }
        cluster.awaitReplicated(Duration.ofSeconds(60));
    }

    /** One run of the checker: its name in the table, the routers' mode, and when it ends. */
    private record Condition(
            String name, ConsistencyMode mode, boolean sessions, long targetPairs, Duration maxDuration) {}

    private static void check(
            RunContext context,
            Endpoints endpoints,
            Condition run,
            Table table,
            Map<String, ReadAfterWriteChecker.Result> results)
            throws Exception {
        String condition = run.name();
        ConsistencyMode mode = run.mode();
        Peers peers = Peers.of(endpoints, POOL_SIZE);
        try (Peer service = peers.pgrouter(Duration.ofMillis(500), b -> b.consistencyMode(mode));
                Peer other = peers.pgrouter(Duration.ofMillis(500), b -> b.consistencyMode(mode))) {
            service.awaitReadsOnReplica(Duration.ofSeconds(60));
            other.awaitReadsOnReplica(Duration.ofSeconds(60));
            context.log("consistency, %s: running", condition);
            ReadAfterWriteChecker.Result r = new ReadAfterWriteChecker(
                            (RoutingDataSource) service.dataSource(),
                            (RoutingDataSource) other.dataSource(),
                            run.sessions())
                    .run(WRITERS, WRITES_PER_SECOND, CHECKERS, run.targetPairs(), run.maxDuration());
            context.log("consistency, %s: %s", condition, r);
            results.put(condition, r);
            table.row(
                    condition,
                    Math.round(r.seconds()),
                    Math.round(r.writesPerSecond()),
                    r.pairs(),
                    r.violations(),
                    r.violationRate(),
                    r.onReplicaShare(),
                    kind(r, ReadAfterWriteChecker.Kind.SAME_ROUTER_TOKEN),
                    kind(r, ReadAfterWriteChecker.Kind.OTHER_THREAD),
                    kind(r, ReadAfterWriteChecker.Kind.OTHER_SERVICE),
                    r.plainOnReplicaShare(),
                    r.writesNotChecked(),
                    r.errors());
        }
    }

    private static String kind(ReadAfterWriteChecker.Result r, ReadAfterWriteChecker.Kind kind) {
        ReadAfterWriteChecker.Counts c = r.byKind().get(kind);
        return String.format(Locale.ROOT, "%,d / %,d", c.pairs(), c.violations());
    }

    private static void goals(EntryReport report, Map<String, ReadAfterWriteChecker.Result> results, long targetPairs) {
        ReadAfterWriteChecker.Result none = results.get("delay 200 ms, no session");
        report.goal(
                "without sessions the checker finds stale reads (delay 200 ms)",
                none.violations() > 0,
                String.format(Locale.ROOT, "%.1f%% of %,d read-backs stale", 100 * none.violationRate(), none.pairs()));
        for (String mode : List.of("exact", "probe")) {
            ReadAfterWriteChecker.Result r = results.get("delay 200 ms, " + mode);
            report.goal(
                    "with sessions (" + mode + "), 0 violations in at least "
                            + String.format(Locale.ROOT, "%,d", targetPairs) + " pairs (delay 200 ms)",
                    r.violations() == 0 && r.pairs() >= targetPairs,
                    String.format(Locale.ROOT, "%,d violations in %,d pairs", r.violations(), r.pairs()));
            report.goal(
                    "with sessions (" + mode + "), at least 80% of reads without a position on replicas (delay 200 ms)",
                    r.plainOnReplicaShare() >= 0.8,
                    String.format(Locale.ROOT, "%.1f%%", 100 * r.plainOnReplicaShare()));
        }
        for (ReadAfterWriteChecker.Result r : results.values()) {
            if (r.writesPerSecond() < 200) {
                report.goal(
                        "at least 200 writes/s from 8 threads in every condition",
                        false,
                        String.format(Locale.ROOT, "%.0f writes/s in one", r.writesPerSecond()));
                break;
            }
        }
        ReadAfterWriteChecker.Result exact = results.get("no delay, exact");
        ReadAfterWriteChecker.Result probe = results.get("no delay, probe");
        report.goal(
                "no delay, exact: at least 90% of reads that carry a position served by a replica",
                exact.onReplicaShare() >= 0.9,
                String.format(
                        Locale.ROOT,
                        "%.1f%% (probe mode: %.1f%%); %,d violations",
                        100 * exact.onReplicaShare(),
                        100 * probe.onReplicaShare(),
                        exact.violations() + probe.violations()));
    }

    /**
     * A writing transaction (INSERT + COMMIT) through the router, one thread, without a session, in an exact-mode
     * session and in a probe-mode session, taken in turns transaction by transaction, so that load from elsewhere (the
     * machine is shared) hits all three alike; each round gives the mean of each.
     */
    private static void captureCost(RunContext context, Endpoints endpoints, EntryReport report) throws Exception {
        Peers peers = Peers.of(endpoints, 2);
        Map<String, List<Double>> micros;
        try (Peer exact = peers.pgrouter(Duration.ofMillis(500), b -> b.consistencyMode(ConsistencyMode.EXACT));
                Peer probe = peers.pgrouter(Duration.ofMillis(500), b -> b.consistencyMode(ConsistencyMode.PROBE))) {
            RoutingDataSource exactRouter = (RoutingDataSource) exact.dataSource();
            RoutingDataSource probeRouter = (RoutingDataSource) probe.dataSource();
            CausalSession exactSession = CausalSession.create();
            CausalSession probeSession = CausalSession.create();
            Map<String, SqlAction> variants = new LinkedHashMap<>();
            variants.put("no session", () -> write(exactRouter, null));
            variants.put("exact", () -> write(exactRouter, exactSession));
            variants.put("probe", () -> write(probeRouter, probeSession));
            micros = inTurns(context, variants);
        }
        costTable(
                report,
                "Cost of a capture per writing transaction (INSERT + COMMIT through pgrouter, one thread, the three"
                        + " taken in turns, " + rounds(context) + " rounds of "
                        + round(context).toSeconds() + " s)",
                "µs per transaction (median of round means)",
                "capture.",
                micros);
        context.log("consistency, capture cost (µs per writing transaction): %s", micros);
        report.note("Capture cost: exact mode runs SELECT pg_current_wal_insert_lsn() (and the timeline) on the same"
                + " connection after each commit, one round trip; probe mode only notes the commit's time. The test kit"
                + " runs with fsync off, so a commit is cheap and the extra round trip shows at its largest here.");
    }

    /**
     * A read in a causal session (exact mode) that carries a position the replicas have replayed, through a router
     * without and one with monotonic reads, taken in turns read by read; and a read without a session beside them.
     */
    private static void monotonicCost(RunContext context, Endpoints endpoints, EntryReport report) throws Exception {
        Peers peers = Peers.of(endpoints, 2);
        Map<String, List<Double>> micros;
        try (Peer plain = peers.pgrouter(Duration.ofMillis(500), b -> b.consistencyMode(ConsistencyMode.EXACT));
                Peer monotonic = peers.pgrouter(
                        Duration.ofMillis(500),
                        b -> b.consistencyMode(ConsistencyMode.EXACT).consistencyMonotonicReads(true))) {
            RoutingDataSource plainRouter = (RoutingDataSource) plain.dataSource();
            RoutingDataSource monotonicRouter = (RoutingDataSource) monotonic.dataSource();
            CausalSession plainSession = CausalSession.create();
            CausalSession monotonicSession = CausalSession.create();
            write(plainRouter, plainSession);
            write(monotonicRouter, monotonicSession);
            plain.awaitReadsOnReplica(Duration.ofSeconds(60));
            monotonic.awaitReadsOnReplica(Duration.ofSeconds(60));
            Map<String, SqlAction> variants = new LinkedHashMap<>();
            variants.put("no session", () -> read(plainRouter, null));
            variants.put("session", () -> read(plainRouter, plainSession));
            variants.put("session, monotonic reads", () -> read(monotonicRouter, monotonicSession));
            micros = inTurns(context, variants);
        }
        costTable(
                report,
                "Cost of monotonic reads per read (a read-only SELECT in a causal session through pgrouter, exact mode,"
                        + " no replay delay, one thread, the three taken in turns, " + rounds(context) + " rounds of "
                        + round(context).toSeconds() + " s)",
                "µs per read (median of round means)",
                "monotonic.",
                micros);
        context.log("consistency, monotonic reads cost (µs per read): %s", micros);
        report.note(
                "Monotonic reads: when a session's read connection is closed, the router asks the node it ran on, on"
                        + " that connection, how far it has replayed (one query) and merges that into the session, so that the"
                        + " next read goes to a node at least as far; see docs/consistency.md.");
    }

    /** One measured operation. */
    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    private static int rounds(RunContext context) {
        return context.trials(11, 3);
    }

    private static Duration round(RunContext context) {
        return context.window(Duration.ofSeconds(6), Duration.ofSeconds(2));
    }

    /**
     * Runs the variants in turns, one call each, for a number of rounds (after a warm-up round: JIT and the pools'
     * first statements), so that load from elsewhere (the machine is shared) hits all alike; returns each variant's
     * mean per round, in µs.
     */
    private static Map<String, List<Double>> inTurns(RunContext context, Map<String, SqlAction> variants)
            throws SQLException {
        List<String> names = new ArrayList<>(variants.keySet());
        List<SqlAction> actions = new ArrayList<>(variants.values());
        Map<String, List<Double>> micros = new LinkedHashMap<>();
        names.forEach(name -> micros.put(name, new ArrayList<>()));
        for (int i = -1; i < rounds(context); i++) {
            long[] nanos = new long[names.size()];
            long[] count = new long[names.size()];
            long end = System.nanoTime() + round(context).toNanos();
            for (int v = 0; System.nanoTime() < end; v = (v + 1) % names.size()) {
                long started = System.nanoTime();
                actions.get(v).run();
                nanos[v] += System.nanoTime() - started;
                count[v]++;
            }
            for (int v = 0; i >= 0 && v < names.size(); v++) {
                micros.get(names.get(v)).add(nanos[v] / 1e3 / count[v]);
            }
        }
        return micros;
    }

    /** A table of per-call costs, each against the first variant; each median is a report value under {@code key}. */
    private static void costTable(
            EntryReport report, String title, String unit, String key, Map<String, List<Double>> micros) {
        double baseline = Stats.median(micros.values().iterator().next());
        String first = micros.keySet().iterator().next();
        Table table = report.table(title, "variant", unit, "max of rounds", "ratio to " + first, "added µs");
        micros.forEach((variant, values) -> {
            double median = Stats.median(values);
            table.row(variant, median, Stats.max(values), median / baseline, median - baseline);
            report.value(key + variant.replace(", ", "-").replace(' ', '-') + ".micros", median);
        });
    }

    /** One read-only SELECT, within {@code session} when not null. */
    @SuppressWarnings("try") // the scope is held for its effect on the thread
    private static void read(RoutingDataSource router, CausalSession session) throws SQLException {
        try (RouteScope ignored = session == null ? null : router.causal(session);
                Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM rw_check WHERE id < 10");
                    java.sql.ResultSet rs = s.executeQuery()) {
                rs.next();
            }
        }
    }

    /** One writing transaction, within {@code session} when not null. */
    @SuppressWarnings("try") // the scope is held for its effect on the thread
    private static void write(RoutingDataSource router, CausalSession session) throws SQLException {
        try (RouteScope ignored = session == null ? null : router.causal(session);
                Connection c = router.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO rw_check (writer, at) VALUES (-1, clock_timestamp())")) {
                s.executeUpdate();
            }
            c.commit();
        }
    }
}
