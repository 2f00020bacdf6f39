package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrouter.CutoverReport.Result;
import io.pgrouter.CutoverReport.TableCount;
import io.pgrouter.cutover.CutoverReadiness;
import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.SequenceMove;
import io.pgrouter.micrometer.MicrometerMetrics;
import io.pgrouter.micrometer.PgRouterMetrics;
import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.UpgradePair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live cutovers of an orders database from PostgreSQL 15 to 18 by logical replication, under write load from two
 * routers (two application instances): a dry run and an abort leave everything on the source, the cutover last moves
 * both routers with no failed write, no lost acknowledged write and no duplicate key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CutoverIT {

    static final Duration INTERVAL = Duration.ofMillis(150);
    static final Duration GENEROUS = Duration.ofSeconds(90);

    private static UpgradePair clusters;
    private static LogicalReplication replication;

    @BeforeAll
    static void replicate() {
        clusters = UpgradePair.start("15", "18", "shop");
        replication = clusters.replicate(r -> r.name("shop_upgrade").schema(CutoverLoad.ORDERS_DDL));
    }

    @AfterAll
    static void stop() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @Test
    @Order(1)
    void aDryRunChecksAndChangesNothing() throws Exception {
        try (RoutingDataSource router = router(clusters)) {
            write(router, 20);
            replication.awaitCaughtUp(GENEROUS);
            Map<String, String> before = state(clusters);
            CutoverReport report = router.cutover(CutoverOptions.ofDryRun());
            System.out.println(report.toText());
            assertThat(report.result()).as(report.toText()).isEqualTo(Result.DRY_RUN_PASSED);
            assertThat(report.steps())
                    .extracting(CutoverReport.StepTiming::step)
                    .containsExactly(CutoverStep.PRECHECK);
            assertThat(report.sequences())
                    .extracting(SequenceMove::sequence)
                    .containsExactly("public.order_items_id_seq", "public.orders_id_seq");
            assertThat(report.sequences()).noneMatch(SequenceMove::moved);
            assertThat(report.toJson()).contains("\"result\":\"dry_run_passed\"", "\"tables\":[");
            assertThat(state(clusters)).isEqualTo(before);
            assertThat(router.status().nodes().get(0).name()).isEqualTo("pg15");
        }
    }

    @Test
    @Order(2)
    void aSubscriptionBrokenInTheMiddleAbortsAndLosesNothingAndLeavesTheApplicationsOnTheSource() throws Exception {
        try (RoutingDataSource a = router(clusters);
                RoutingDataSource b = router(clusters);
                CutoverLoad loadA = new CutoverLoad(a, "a", 2, 20);
                CutoverLoad loadB = new CutoverLoad(b, "b", 2, 20)) {
            await().atMost(GENEROUS).until(() -> loadA.acknowledged() > 20 && loadB.acknowledged() > 20);
            // The apply worker hangs once the checks have passed: the subscription never confirms the final position.
            replication.freezeApplyWorker();
            CutoverReport report;
            try {
                report = a.cutover(CutoverOptions.defaults().toBuilder()
                        .maxPause(Duration.ofSeconds(2))
                        .build());
            } finally {
                replication.thawApplyWorker();
            }
            System.out.println(report.toText());
            assertThat(report.result()).as(report.toText()).isEqualTo(Result.ABORTED);
            assertThat(report.failedStep()).isEqualTo(CutoverStep.CATCH_UP);
            assertThat(report.step(CutoverStep.ROLLBACK))
                    .hasValueSatisfying(s -> assertThat(s.ok()).isTrue());
            int acknowledgedAtAbort = loadA.acknowledged() + loadB.acknowledged();
            await().atMost(GENEROUS)
                    .until(() -> loadA.acknowledged() + loadB.acknowledged() > acknowledgedAtAbort + 40);
            loadA.close();
            loadB.close();
            assertThat(loadA.failures()).isEmpty();
            assertThat(loadB.failures()).isEmpty();
            assertThat(primaryOf(a)).isEqualTo("pg15");
            assertThat(primaryOf(b)).isEqualTo("pg15");
            assertThat(readOnlyDefault(source())).isEqualTo("off");
            assertThat(ids(source(), "orders")).containsAll(loadA.orders()).containsAll(loadB.orders());
            replication.awaitCaughtUp(GENEROUS);
            assertThat(ids(target(), "orders")).containsAll(loadA.orders()).containsAll(loadB.orders());
        }
    }

    @Test
    @Order(3)
    void theCutoverMovesBothRoutersUnderLoadWithNoFailedLostOrDuplicateWrite() throws Exception {
        Figures figures = cutoverUnderLoad(clusters, 4, 20);
        System.out.println(figures);
    }

    /** The figures of one cutover under load, for the report and benchmarks/RESULTS.md. */
    record Figures(
            String versions,
            double writesPerSecond,
            int acknowledged,
            int failed,
            long maxPauseMillis,
            long maxWriteMillis,
            CutoverReport report) {

        @Override
        public String toString() {
            return String.format(
                    "Cutover %s: %.0f commits/s before it from 8 threads on 2 routers; %d acknowledged, %d failed;"
                            + " gate held %d ms, longest held write %d ms, longest commit %d ms%n%s",
                    versions,
                    writesPerSecond,
                    acknowledged,
                    failed,
                    report.writePause().held().toMillis(),
                    maxPauseMillis,
                    maxWriteMillis,
                    report.toText());
        }
    }

    /**
     * Two routers, each with {@code writersPerRouter} threads writing orders, a readiness that turns GREEN by itself,
     * then the cutover by the first router; checks every promise of the cutover and returns the figures.
     */
    static Figures cutoverUnderLoad(UpgradePair pair, int writersPerRouter, long pause) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Set<String> heardOf = ConcurrentHashMap.newKeySet();
        RouterListener listener = new RouterListener() {
            @Override
            public void onNodeStateChange(NodeStateChangeEvent event) {
                heardOf.add(event.node());
            }
        };
        try (RoutingDataSource a = routerBuilder(pair)
                        .metrics(MicrometerMetrics.of(registry))
                        .listener(listener)
                        .build();
                RoutingDataSource b = router(pair);
                CutoverLoad loadA = new CutoverLoad(a, "a", writersPerRouter, pause);
                CutoverLoad loadB = new CutoverLoad(b, "b", writersPerRouter, pause)) {
            long started = System.nanoTime();
            CutoverReadiness readiness = CutoverReadiness.builder()
                    .source(
                            source(pair).jdbcUrl(),
                            pair.source().user(),
                            pair.source().password())
                    .target(
                            target(pair).jdbcUrl(),
                            pair.target().user(),
                            pair.target().password())
                    .stableFor(Duration.ofSeconds(3))
                    .syncSequencesWhileGreen(1000)
                    .build();
            List<ReadinessReport> seen = new ArrayList<>();
            await().atMost(GENEROUS).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                ReadinessReport r = readiness.check();
                seen.add(r);
                assertThat(r.light()).as(r.toString()).isEqualTo(ReadinessReport.Light.GREEN);
            });
            assertThat(seen).extracting(ReadinessReport::light).contains(ReadinessReport.Light.YELLOW);
            int beforeCutover = loadA.acknowledged() + loadB.acknowledged();
            double rate = beforeCutover / ((System.nanoTime() - started) / 1e9);

            ReadinessReport.Light light = a.cutoverReadiness().check().light();
            assertThat(registry.get(PgRouterMetrics.CUTOVER_PENDING).gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get(PgRouterMetrics.CUTOVER_LIGHT).gauge().value())
                    .isEqualTo(3.0 - light.ordinal()); // green 3, yellow 2, red 1

            CutoverReport report = a.cutover(CutoverOptions.defaults());
            assertThat(report.result()).as(report.toText()).isEqualTo(Result.COMPLETED);
            assertThat(primaryOf(a)).isEqualTo("pg18");
            // Meters and listeners carry on with the target's nodes; the source's meters are gone.
            assertThat(registry.find(PgRouterMetrics.NODE_STATE)
                            .tag("node", "pg18")
                            .gauge())
                    .isNotNull();
            assertThat(registry.find(PgRouterMetrics.NODE_STATE)
                            .tag("node", "pg15")
                            .gauge())
                    .isNull();
            assertThat(heardOf).contains("pg15", "pg18");
            assertThat(registry.get(PgRouterMetrics.CUTOVER_PENDING).gauge().value())
                    .isZero();
            assertThat(a.lastCutover()).contains(report);
            await().atMost(GENEROUS).until(() -> primaryOf(b).equals("pg18"));
            int atSwap = loadA.acknowledged() + loadB.acknowledged();
            await().atMost(GENEROUS).until(() -> loadA.acknowledged() + loadB.acknowledged() > atSwap + 100);
            loadA.close();
            loadB.close();

            assertThat(loadA.failures())
                    .as("writes through the router that ran the cutover")
                    .isEmpty();
            assertThat(loadB.failures())
                    .as("writes through the router that followed")
                    .isEmpty();
            Set<Long> orders = ids(target(pair).dataSource(), "orders");
            assertThat(orders).containsAll(loadA.orders()).containsAll(loadB.orders());
            assertThat(ids(target(pair).dataSource(), "order_items"))
                    .containsAll(loadA.items())
                    .containsAll(loadB.items());
            for (TableCount t : report.tables()) {
                assertThat(t.sourceAtSwap())
                        .as(t.table())
                        .isEqualTo(t.targetAtSwap())
                        .isPositive();
            }
            // No write reached the fenced source after the swap.
            for (String table : List.of("orders", "order_items")) {
                assertThat(count(source(pair).dataSource(), table))
                        .as(table + " on the source")
                        .isEqualTo(report.tables().stream()
                                .filter(t -> t.table().equals("public." + table))
                                .findFirst()
                                .orElseThrow()
                                .sourceAtSwap());
            }
            assertThat(report.sequences()).isNotEmpty();
            assertThat(report.toJson()).contains("\"result\":\"completed\"", "\"sequences\":[");
            long maxPause = report.writePause().max().toMillis();
            return new Figures(
                    pair.source().majorVersion() + " to " + pair.target().majorVersion(),
                    rate,
                    loadA.acknowledged() + loadB.acknowledged(),
                    loadA.failed() + loadB.failed(),
                    maxPause,
                    Math.max(loadA.maxLatencyMillis(), loadB.maxLatencyMillis()),
                    report);
        }
    }

    static RoutingDataSource router(UpgradePair pair) {
        return routerBuilder(pair).build();
    }

    static RoutingDataSource.Builder routerBuilder(UpgradePair pair) {
        return RoutingDataSource.builder()
                .primary(
                        "pg15",
                        source(pair).jdbcUrl(),
                        pair.source().user(),
                        pair.source().password())
                .cutoverTarget(CutoverTarget.builder()
                        .primary(
                                "pg18",
                                target(pair).jdbcUrl(),
                                pair.target().user(),
                                pair.target().password())
                        .build())
                .probeInterval(INTERVAL)
                // Short probes keep the pause short; on a loaded test machine a probe may take longer than one
                // interval, which must not cut the writes in flight (that is the frozen-node test's business).
                .probeTimeout(INTERVAL.minusMillis(10))
                .abortOnProbeTimeout(false);
    }

    private static io.pgrouter.testkit.PostgresNode source(UpgradePair pair) {
        return pair.source().primary();
    }

    private static io.pgrouter.testkit.PostgresNode target(UpgradePair pair) {
        return pair.target().primary();
    }

    private static DataSource source() {
        return clusters.source().primary().dataSource();
    }

    private static DataSource target() {
        return clusters.target().primary().dataSource();
    }

    private static String primaryOf(RoutingDataSource router) {
        return router.status().nodes().stream()
                .filter(n -> n.role() == NodeRole.PRIMARY)
                .findFirst()
                .orElseThrow()
                .name();
    }

    private static void write(RoutingDataSource router, int orders) throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders(customer) SELECT 'seed' FROM generate_series(1, " + orders + ")");
        }
    }

    /** What the dry run must not change: fence, signal, sequences, rows, subscription. */
    private static Map<String, String> state(UpgradePair pair) throws SQLException {
        return Map.of(
                "source read-only", readOnlyDefault(pair.source().primary().dataSource()),
                "signal",
                        query(
                                pair.source().primary().dataSource(),
                                "SELECT coalesce(current_setting('pgrouter.switchover', true), '')"),
                "target orders_id_seq",
                        query(
                                pair.target().primary().dataSource(),
                                "SELECT last_value || '/' || is_called FROM orders_id_seq"),
                "target items seq",
                        query(
                                pair.target().primary().dataSource(),
                                "SELECT last_value || '/' || is_called FROM order_items_id_seq"),
                "source orders", query(pair.source().primary().dataSource(), "SELECT count(*) FROM orders"),
                "subscription",
                        query(pair.target().primary().dataSource(), "SELECT subenabled::text FROM pg_subscription"));
    }

    private static String readOnlyDefault(DataSource ds) throws SQLException {
        return query(ds, "SELECT reset_val FROM pg_settings WHERE name = 'default_transaction_read_only'");
    }

    private static String query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(DataSource ds, String table) throws SQLException {
        return Long.parseLong(query(ds, "SELECT count(*) FROM " + table));
    }

    private static Set<Long> ids(DataSource ds, String table) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
