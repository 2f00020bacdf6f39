package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.SwitchoverReport.Result;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Planned switchovers on a real primary with two replicas, under write load from three routers (three application
 * instances). The tests run in order on one cluster: the dry run and the aborts leave it as they found it, the
 * switchovers back and forth run last.
 */
@PostgresReplicaSet(replicas = 2, isolated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final AtomicLong IDS = new AtomicLong();

    static ReplicaSet cluster;

    private static RoutingDataSource router() {
        return TestRouters.routerFor(cluster).probeInterval(INTERVAL).build();
    }

    @Test
    @Order(1)
    void aDryRunChecksAndEstimatesAndChangesNothingOnTheServers() throws Exception {
        try (RoutingDataSource router = router()) {
            awaitEligible(router, "replica-1");
            Map<String, String> before = serverState();
            SwitchoverReport report = router.switchover("replica-1", SwitchoverOptions.dryRunOfDefaults());
            System.out.println(report.toText());
            assertThat(report.result()).isEqualTo(Result.DRY_RUN_PASSED);
            assertThat(report.checks()).isNotEmpty().allMatch(SwitchoverReport.Check::passed);
            assertThat(report.steps())
                    .extracting(SwitchoverReport.StepTiming::step)
                    .containsExactly(SwitchoverStep.PRECHECK);
            assertThat(report.estimatesMillis()).containsKeys("signal-wait", "catch-up", "pause-before-promotion");
            assertThat(report.toJson()).contains("\"result\":\"dry_run_passed\"");
            assertThat(serverState()).isEqualTo(before);
        }
    }

    @Test
    @Order(2)
    void anExpiredAnnouncementLeftOnThePrimaryDoesNotFailTheChecks() throws Exception {
        // As a move whose old primary was down when the announcement was to be withdrawn leaves it: expired.
        try (RoutingDataSource router = router();
                Connection c = cluster.primary().dataSource().getConnection()) {
            awaitEligible(router, "replica-1");
            // Before PostgreSQL 17, ALTER SYSTEM takes a custom setting only when the session knows it.
            c.createStatement().execute("SET pgrouter.switchover = ''");
            c.createStatement().execute("ALTER SYSTEM SET pgrouter.switchover = 'external-1;the next primary;1000'");
            c.createStatement().execute("SELECT pg_reload_conf()");
            try {
                // The reload is asynchronous: a new session sees the setting once the server took it.
                await().atMost(GENEROUS)
                        .until(() -> !serverState()
                                .get("primary")
                                .split("\\|", -1)[2]
                                .isEmpty());
                SwitchoverReport report = router.switchover("replica-1", SwitchoverOptions.dryRunOfDefaults());
                System.out.println(report.toText());
                assertThat(report.result()).as(report.toString()).isEqualTo(Result.DRY_RUN_PASSED);
                assertThat(report.checks())
                        .filteredOn(check -> check.name().equals("no-switchover-signalled"))
                        .singleElement()
                        .satisfies(check -> assertThat(check.detail()).contains("external-1", "expired"));
            } finally {
                c.createStatement().execute("ALTER SYSTEM RESET pgrouter.switchover");
                c.createStatement().execute("SELECT pg_reload_conf()");
            }
        }
    }

    @Test
    @Order(2)
    void aTargetTooFarBehindFailsTheChecksByName() throws Exception {
        PostgresNode target = cluster.node("replica-1");
        try (RoutingDataSource router = router()) {
            WriteLoad.createTable(router);
            target.pauseReplay();
            try (WriteLoad load = new WriteLoad(router, 0, IDS, 4, 5)) {
                awaitAcknowledged(load, 200);
                SwitchoverReport report = router.switchover(
                        "replica-1",
                        SwitchoverOptions.custom().maxLagBytes(1024).build());
                System.out.println(report.toText());
                assertThat(report.result()).isEqualTo(Result.CHECKS_FAILED);
                assertThat(report.failedStep()).isEqualTo(SwitchoverStep.PRECHECK);
                assertThat(report.reason()).contains("target-replaying", "target-lag");
                awaitAcknowledged(load, load.acknowledged().size() + 100);
                assertThat(load.failures()).isEmpty();
            } finally {
                target.resumeReplay();
            }
        }
    }

    @Test
    @Order(3)
    void aTargetThatCannotCatchUpInTimeAbortsAndWritesCarryOnOnTheOldPrimary() throws Exception {
        PostgresNode target = cluster.node("replica-1");
        try (RoutingDataSource router = router()) {
            WriteLoad.createTable(router);
            awaitEligible(router, "replica-1");
            try (WriteLoad load = new WriteLoad(router, 0, IDS, 4, 5)) {
                awaitAcknowledged(load, 100);
                target.setReplayDelay(Duration.ofSeconds(4));
                SwitchoverReport report = router.switchover(
                        "replica-1",
                        SwitchoverOptions.custom()
                                .maxPause(Duration.ofMillis(1500))
                                .drainTimeout(Duration.ofMillis(500))
                                .maxLagBytes(Long.MAX_VALUE)
                                .build());
                System.out.println(report.toText());
                assertThat(report.result()).isEqualTo(Result.ABORTED);
                assertThat(report.failedStep()).isEqualTo(SwitchoverStep.CATCH_UP);
                assertThat(report.step(SwitchoverStep.ROLLBACK))
                        .hasValueSatisfying(s -> assertThat(s.ok()).isTrue());
                int acknowledgedAtAbort = load.acknowledged().size();
                awaitAcknowledged(load, acknowledgedAtAbort + 100);
                assertThat(load.failures()).isEmpty();
                assertThat(report.writePause().failed()).isZero();
            } finally {
                target.setReplayDelay(Duration.ZERO);
            }
            assertUnfencedPrimary();
            assertAllOnPrimary(router);
        }
    }

    @Test
    @Order(4)
    void aTargetKilledMidWayAbortsAndNothingIsLost() throws Exception {
        PostgresNode target = cluster.node("replica-1");
        try (RoutingDataSource router = router()) {
            WriteLoad.createTable(router);
            awaitEligible(router, "replica-1");
            try (WriteLoad load = new WriteLoad(router, 0, IDS, 4, 5)) {
                awaitAcknowledged(load, 100);
                SwitchoverReport report = switchoverOnceHealthy(
                        router,
                        "replica-1",
                        SwitchoverOptions.custom()
                                .progress(step -> {
                                    if (step == SwitchoverStep.CATCH_UP) {
                                        target.kill();
                                    }
                                })
                                .build());
                System.out.println(report.toText());
                assertThat(report.result()).isEqualTo(Result.ABORTED);
                assertThat(report.failedStep()).isEqualTo(SwitchoverStep.CATCH_UP);
                awaitAcknowledged(load, load.acknowledged().size() + 100);
                assertThat(load.failures()).isEmpty();
            } finally {
                target.start();
            }
            assertUnfencedPrimary();
            assertAllOnPrimary(router);
        }
    }

    @Test
    @Order(5)
    void switchoversBackAndForthUnderLoadFromThreeRoutersFailAndLoseNoWrite() throws Exception {
        switchoversUnderLoadFromThreeRoutersFailAndLoseNoWrite(
                cluster, () -> TestRouters.routerFor(cluster), "replica-1", "primary", "replica-1", "primary");
    }

    @Test
    @Order(5)
    void aRouterThatDoesNotListenForNoticesKeepsNoConnectionForThemAndStillFailsNoWrite() throws Exception {
        try (RoutingDataSource quiet =
                        TestRouters.routerFor(cluster).switchoverNotices(false).build();
                RoutingDataSource listening = TestRouters.routerFor(cluster).build()) {
            assertThat(quiet.status().primary()).isNotNull();
            assertThat(listening.status().primary()).isNotNull();
            await("one notices connection, the listening router's, for 2 s")
                    .atMost(Duration.ofSeconds(60))
                    .during(Duration.ofSeconds(2))
                    .until(() -> noticeSessions(cluster.primary().dataSource()) == 1);
        }
        // The second of the three routers does not listen: it hears of each switchover from its probes, and the one it
        // runs itself waits its signal-wait for the others instead of their answers.
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        switchoversUnderLoadFromThreeRoutersFailAndLoseNoWrite(
                cluster,
                () -> TestRouters.routerFor(cluster).switchoverNotices(made.getAndIncrement() % 3 != 1),
                "replica-1",
                "primary");
    }

    private static long noticeSessions(DataSource primary) throws SQLException {
        try (Connection c = primary.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgrouter-notices'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The switchover scenario, on any cluster of a primary and replicas named as the kit names them: switchovers to
     * {@code targets} in turn, each started by the next of three routers under their write load. {@code routerFor}
     * gives a builder with every node (and, for TLS, how to verify them).
     */
    static void switchoversUnderLoadFromThreeRoutersFailAndLoseNoWrite(
            ReplicaSet cluster, Supplier<RoutingDataSource.Builder> routerFor, String... targets) throws Exception {
        List<RoutingDataSource> routers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            routers.add(routerFor.get().probeInterval(INTERVAL).build());
        }
        List<WriteLoad> loads = new ArrayList<>();
        List<SwitchoverReport> reports = new ArrayList<>();
        try {
            WriteLoad.createTable(routers.get(0));
            for (int i = 0; i < routers.size(); i++) {
                loads.add(new WriteLoad(routers.get(i), i, IDS, 8, 20));
            }
            for (int round = 0; round < targets.length; round++) {
                String target = targets[round];
                RoutingDataSource initiator = routers.get(round % routers.size());
                for (RoutingDataSource r : routers) {
                    awaitEligible(r, target);
                }
                awaitMoreAcknowledged(loads, 300);
                SwitchoverReport report = switchoverOnceHealthy(initiator, target, SwitchoverOptions.ofDefaults());
                System.out.println(
                        "round " + round + " from router " + round % routers.size() + ":\n" + report.toText());
                assertThat(report.result()).as(report.toString()).isEqualTo(Result.COMPLETED);
                reports.add(report);
                PostgresNode promoted = cluster.node(target);
                PostgresNode old = cluster.node(report.from());
                cluster.adoptPromotion(promoted);
                cluster.rejoinAsStandby(old);
            }
            awaitMoreAcknowledged(loads, 300);
        } finally {
            for (WriteLoad load : loads) {
                load.close();
            }
            routers.forEach(RoutingDataSource::close);
        }
        for (int i = 0; i < loads.size(); i++) {
            WriteLoad load = loads.get(i);
            System.out.printf(
                    "router %d: %s; failed writes %d %s; reads %d, failed %d%n",
                    i, load.latencySummary(), load.failed(), load.failures(), load.reads(), load.readFailures());
        }
        for (SwitchoverReport report : reports) {
            System.out.printf(
                    "switchover %s -> %s: held %d ms, %d writes waited (max %d ms, p99 %d ms), %d failed, total %d ms%n",
                    report.from(),
                    report.to(),
                    report.writePause().held().toMillis(),
                    report.writePause().waited(),
                    report.writePause().max().toMillis(),
                    report.writePause().p99().toMillis(),
                    report.writePause().failed(),
                    report.duration().toMillis());
        }
        Set<Long> onPrimary = ids(cluster.primary().dataSource());
        for (int i = 0; i < loads.size(); i++) {
            assertThat(onPrimary)
                    .as("router %d's acknowledged ids on the final primary", i)
                    .containsAll(loads.get(i).acknowledged());
        }
        assertThat(reports)
                .allSatisfy(report -> assertThat(report.writePause().failed()).isZero());
        // Every router initiated at least one round: none may have failed a write.
        assertThat(loads).allSatisfy(load -> assertThat(load.failures()).isEmpty());
    }

    @Test
    @Order(6)
    void aMoveOfThePrimaryOutsidePgrouterHoldsTheWritesOfEveryRouterAndFailsNone() throws Exception {
        List<RoutingDataSource> routers = List.of(router(), router());
        List<WriteLoad> loads = new ArrayList<>();
        PostgresNode old = cluster.primary();
        PostgresNode target = cluster.replica(0);
        try {
            WriteLoad.createTable(routers.get(0));
            for (int i = 0; i < routers.size(); i++) {
                awaitEligible(routers.get(i), target.name());
                loads.add(new WriteLoad(routers.get(i), i, IDS, 8, 20));
            }
            awaitMoreAcknowledged(loads, 300);
            long started = System.nanoTime();
            // As a Patroni switchover does: the old primary stops, the target is promoted, the old one comes back as
            // a standby. Only router 0 holds; router 1 learns of the hold from the announcement on the primary.
            routers.get(0).holdWritesWhile(Duration.ofSeconds(30), () -> {
                cluster.promote(target, ReplicaSet.OldPrimary.STOP);
                cluster.rejoinAsStandby(old);
                return null;
            });
            long heldMillis = (System.nanoTime() - started) / 1_000_000;
            awaitMoreAcknowledged(loads, 300);
            for (int i = 0; i < loads.size(); i++) {
                System.out.printf(
                        "move outside pgrouter held by router 0 (%d ms): router %d: %s; failed writes %d %s%n",
                        heldMillis,
                        i,
                        loads.get(i).latencySummary(),
                        loads.get(i).failed(),
                        loads.get(i).failures());
            }
        } finally {
            loads.forEach(WriteLoad::close);
            routers.forEach(RoutingDataSource::close);
        }
        assertThat(loads).allSatisfy(load -> assertThat(load.failures()).isEmpty());
        Set<Long> onPrimary = ids(target.dataSource());
        for (WriteLoad load : loads) {
            assertThat(onPrimary).containsAll(load.acknowledged());
        }
        try (Connection c = old.dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_file_settings WHERE name = 'pgrouter.switchover'")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("the announcement withdrawn from the old primary")
                    .isZero();
        }
    }

    /**
     * A switchover, run again (up to 3 times, after the target is back in rotation) when only the target's health
     * check failed: on a loaded machine one probe that timed out takes it out of rotation for a few probes, and the
     * pre-checks then refuse, changing nothing, as an operator would see and retry.
     */
    private static SwitchoverReport switchoverOnceHealthy(
            RoutingDataSource router, String target, SwitchoverOptions options) {
        SwitchoverReport report = router.switchover(target, options);
        for (int attempt = 1;
                attempt < 3
                        && report.result() == Result.CHECKS_FAILED
                        && report.checks().stream()
                                .filter(c -> !c.passed())
                                .allMatch(c -> c.name().equals("target-healthy"));
                attempt++) {
            System.out.println("pre-checks refused (" + report.reason() + "); again once the target is in rotation");
            awaitEligible(router, target);
            report = router.switchover(target, options);
        }
        return report;
    }

    private static void awaitEligible(RoutingDataSource router, String node) {
        await().atMost(GENEROUS).until(() -> router.status().node(node).eligible());
    }

    /** Waits until the loads together acknowledged {@code more} writes from now on. */
    private static void awaitMoreAcknowledged(List<WriteLoad> loads, int more) {
        int before = acknowledged(loads);
        await().atMost(GENEROUS).until(() -> acknowledged(loads) >= before + more);
    }

    private static int acknowledged(List<WriteLoad> loads) {
        return loads.stream().mapToInt(l -> l.acknowledged().size()).sum();
    }

    private static void awaitAcknowledged(WriteLoad load, int count) {
        await().atMost(GENEROUS).until(() -> load.acknowledged().size() >= count);
    }

    /** What a switchover could change on a server: its role, timeline, the fence and the announcement. */
    private static Map<String, String> serverState() throws SQLException {
        Map<String, String> state = new LinkedHashMap<>();
        for (PostgresNode node : cluster.nodes()) {
            try (Connection c = node.dataSource().getConnection();
                    ResultSet rs = c.createStatement()
                            .executeQuery(
                                    "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only'),"
                                            + " coalesce(current_setting('pgrouter.switchover', true), ''),"
                                            + " (SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_file_settings"
                                            + "   WHERE sourcefile LIKE '%postgresql.auto.conf')")) {
                rs.next();
                state.put(
                        node.name(),
                        rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return state;
    }

    private static void assertUnfencedPrimary() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT current_setting('default_transaction_read_only'), coalesce(current_setting('pgrouter.switchover', true), '')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("off");
            assertThat(rs.getString(2)).isEmpty();
        }
    }

    private static void assertAllOnPrimary(RoutingDataSource router) throws SQLException {
        assertThat(router.status().node("primary").role()).isEqualTo(NodeRole.PRIMARY);
    }

    private static Set<Long> ids(DataSource primary) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = primary.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT id FROM acked")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
