package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.cutover.CutoverReadiness;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Routing and health over TLS with full verification ({@code sslmode=verify-full}): the kit's servers refuse
 * connections without TLS, so every pool and probe connection here is verified TLS. A node whose certificate does not
 * verify is out of rotation with a reason that says so, and the others keep serving. The scenario kinds of the plain
 * routing and health tests each have one here: routing, lag exclusion, a replica down, a held connection moving
 * between transactions, a broken read run again, read-your-writes, a frozen primary, a frozen replica, switchovers
 * (there and back) and a promotion (last: it leaves replica-1 the primary). Where a plain test has the scenario, it
 * runs that test's own body; {@link ForeignClusterIT} runs over both transports itself.
 */
@PostgresReplicaSet(replicas = 2, tls = true, isolated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsRoutingIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String TLS_REASON = "TLS: the server's certificate was not accepted";

    private ReplicaSet cluster;
    private RoutingDataSource router;

    private RoutingDataSource.Builder verifyFull() {
        return Transport.VERIFY_FULL.routerFor(cluster).probeInterval(Duration.ofMillis(200));
    }

    @AfterEach
    void cleanUp() {
        if (router != null) {
            router.close();
        }
        for (PostgresNode node : cluster.nodes()) {
            node.start();
        }
        cluster.replicas().forEach(PostgresNode::resumeReplay);
    }

    @Test
    void readsGoToReplicasAndWritesToThePrimaryOverVerifiedTls() throws SQLException {
        router = verifyFull().build();
        await(
                "every replica eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            assertThat(Where.of(c).inRecovery()).isTrue();
            assertThat(sessionUsesTls(c)).isTrue();
        }
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            assertThat(Where.of(c).inRecovery()).isFalse();
            assertThat(sessionUsesTls(c)).isTrue();
            s.execute("CREATE TABLE IF NOT EXISTS tls_it(id serial primary key, pad text)");
        }
        // The probes too: the servers take nothing but TLS, and their connections say so.
        assertThat(query(
                        cluster.primary(),
                        "SELECT bool_and(s.ssl) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                                + " WHERE a.application_name = 'pgrouter-probe'"))
                .isEqualTo("t");
    }

    @Test
    void aLaggingReplicaLeavesRotationAndReturns() throws SQLException {
        router = verifyFull()
                .lagThresholds(new LagThresholds(64 * 1024, Duration.ofSeconds(60), 2))
                .build();
        await(
                "every replica eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        PostgresNode replica = cluster.node("replica-1");
        execute(cluster.primary(), "CREATE TABLE IF NOT EXISTS tls_lag(id serial primary key, pad text)");
        cluster.awaitReplicated(DEADLINE);
        replica.pauseReplay();
        execute(cluster.primary(), "INSERT INTO tls_lag(pad) SELECT repeat('x', 1000) FROM generate_series(1, 500)");
        await(
                "replica-1 out of rotation for lag",
                () -> router.status().node("replica-1").health() == HealthState.LAGGING);
        assertThat(router.status().node("replica-1").eligible()).isFalse();
        // replica-2 may pass the 64 kB threshold for a moment while it replays the same insert on a busy machine.
        await("replica-2 serving", () -> router.status().node("replica-2").eligible());
        replica.resumeReplay();
        await("replica-1 back", () -> router.status().node("replica-1").eligible());
    }

    @Test
    void aStoppedReplicaLeavesRotationAndReadsGoOn() throws SQLException {
        router = verifyFull().build();
        await(
                "every replica eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        PostgresNode replica = cluster.node("replica-2");
        replica.stop();
        await(
                "replica-2 out of rotation",
                () -> !router.status().node("replica-2").eligible());
        assertThat(router.status().node("replica-2").health()).isEqualTo(HealthState.UNREACHABLE);
        for (int i = 0; i < 10; i++) {
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                assertThat(Where.of(c).port()).isNotEqualTo(replica.port());
            }
        }
        replica.start();
        await("replica-2 back", () -> router.status().node("replica-2").eligible());
    }

    @Test
    void aReplicaVerifiedAgainstACaThatDidNotSignItsCertificateIsExcludedWithThatReason() throws SQLException {
        router = verifyFull()
                .tls("replica-1", TlsSettings.verifyFull(cluster.tls().foreignCaCertificate()))
                .build();
        await("replica-2 eligible", () -> router.status().node("replica-2").eligible());
        await(
                "replica-1 excluded for its certificate",
                () -> String.valueOf(router.status().node("replica-1").notEligibleReason())
                        .contains(TLS_REASON));
        System.out.println("replica-1 with a foreign CA: "
                + router.status().node("replica-1").notEligibleReason());
        assertThat(router.status().node("replica-1").eligible()).isFalse();
        assertOnlyServedBy("replica-2");
    }

    @Test
    void theCutoverTargetIsCheckedWithTheRoutersTlsAndACertificateThatDoesNotNameItIsRefused() {
        // The certificates name 127.0.0.1; "localhost" reaches the same server but is not in them. The target has no
        // TLS setting of its own: the router's verify-full must reach it, in its readiness check as in its pools.
        PostgresNode node = cluster.node("replica-2");
        String underAnotherName = "jdbc:postgresql://localhost:" + node.port() + "/" + cluster.database();
        router = verifyFull()
                .cutoverTarget(CutoverTarget.builder()
                        .primary("target", underAnotherName, cluster.user(), cluster.password())
                        .build())
                .cutoverReadiness(Duration.ofMinutes(10), Duration.ZERO)
                .build();

        String refused = router.cutoverReadiness().check().toString();
        System.out.println("cutover target under a name its certificate does not hold: " + refused);
        assertThat(refused).contains("could not be verified");
        router.close();

        router = verifyFull()
                .cutoverTarget(CutoverTarget.builder()
                        .primary("target", node.jdbcUrl(), cluster.user(), cluster.password())
                        .build())
                .cutoverReadiness(Duration.ofMinutes(10), Duration.ZERO)
                .build();
        String reached = router.cutoverReadiness().check().toString();
        assertThat(reached)
                .as("the same server under the name its certificate holds")
                .doesNotContain("could not be verified")
                .doesNotContain("cannot connect");
    }

    @Test
    void aReadinessCheckFromARoutersPropertiesConnectsWithItsTlsKeys() {
        // The servers refuse plain connections: a check that dropped the pgrouter.ssl.* keys could not connect.
        PostgresNode node = cluster.node("replica-2");
        Map<String, String> properties = new HashMap<>(Map.of(
                "pgrouter.primary.host", "127.0.0.1",
                "pgrouter.primary.port", Integer.toString(node.port()),
                "pgrouter.primary.database", cluster.database(),
                "pgrouter.primary.username", cluster.user(),
                "pgrouter.primary.password", cluster.password(),
                "pgrouter.ssl.mode", "verify-full",
                "pgrouter.ssl.root-cert", cluster.tls().caCertificate().toString()));
        String reached = CutoverReadiness.builder()
                .sourceFromProperties(properties)
                .targetFromProperties(properties)
                .build()
                .check()
                .toString();
        assertThat(reached).doesNotContain("could not be verified").doesNotContain("cannot connect");

        properties.put("pgrouter.primary.host", "localhost"); // not a name the certificate holds
        assertThat(CutoverReadiness.builder()
                        .sourceFromProperties(properties)
                        .targetFromProperties(properties)
                        .build()
                        .check()
                        .toString())
                .contains("could not be verified");

        properties.remove("pgrouter.primary.host");
        assertThatThrownBy(() -> CutoverReadiness.builder().targetFromProperties(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target: ")
                .hasMessageContaining("pgrouter.primary")
                .hasMessageNotContaining(cluster.password());
    }

    @Test
    void aReplicaReachedUnderANameItsCertificateDoesNotHoldIsExcludedWithThatReason() throws SQLException {
        // The certificates name 127.0.0.1; "localhost" reaches the same server but is not in them.
        PostgresNode replica = cluster.node("replica-2");
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(cluster.primary().jdbcUrl(), cluster.user(), cluster.password())
                .replica("replica-1", cluster.node("replica-1").jdbcUrl(), cluster.user(), cluster.password())
                .replica(
                        "replica-2",
                        "jdbc:postgresql://localhost:" + replica.port() + "/" + cluster.database(),
                        cluster.user(),
                        cluster.password())
                .probeInterval(Duration.ofMillis(200))
                .tls(TlsSettings.verifyFull(cluster.tls().caCertificate()));
        router = builder.build();
        await("replica-1 eligible", () -> router.status().node("replica-1").eligible());
        await(
                "replica-2 excluded for its certificate",
                () -> String.valueOf(router.status().node("replica-2").notEligibleReason())
                        .contains(TLS_REASON));
        System.out.println("replica-2 by another name: "
                + router.status().node("replica-2").notEligibleReason());
        assertOnlyServedBy("replica-1");
    }

    @Test
    void aHeldConnectionMovesBetweenTransactionsOverTls() throws SQLException {
        router = verifyFull().build();
        await(
                "every replica eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        try (Connection held = router.getConnection()) {
            held.setAutoCommit(false);
            held.setReadOnly(true);
            assertThat(Where.of(held).inRecovery()).as("read-only transaction").isTrue();
            assertThat(sessionUsesTls(held)).isTrue();
            held.commit();
            held.setReadOnly(false);
            assertThat(Where.of(held).port())
                    .as("write transaction")
                    .isEqualTo(cluster.primary().port());
            assertThat(sessionUsesTls(held)).isTrue();
            held.commit();
            held.setReadOnly(true);
            assertThat(Where.of(held).inRecovery()).as("read-only again").isTrue();
            held.commit();
        }
    }

    @Test
    void aReadBrokenOnAReplicaRunsAgainOnThePrimaryOverTls() throws Exception {
        router = verifyFull().build();
        await(
                "every replica eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        // One replica in rotation, so that the read is known to run on replica-1.
        router.drain("replica-2");
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Where> read = reader.submit(() -> RoutedConnectionIT.slowOnReplica(router));
            RoutedConnectionIT.terminateSlowRead(cluster.node("replica-1"));
            Where where = read.get(60, TimeUnit.SECONDS);
            assertThat(where.port()).isEqualTo(cluster.primary().port());
            assertThat(router.status().primary().routes(RouteReason.FALLBACK_RETRIED))
                    .isEqualTo(1);
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void noReadOfACausalSessionMissesItsWriteOverTls() throws Exception {
        CausalConsistencyIT.withASessionNoReadMissesItsWrite(cluster, verifyFull(), ConsistencyMode.EXACT);
    }

    @Test
    void aFrozenPrimaryLeavesReadsOnTheReplicasOverTls() throws Exception {
        PrimaryAwayIT.aFrozenPrimaryLeavesReadsOnTheReplicas(cluster, verifyFull());
    }

    @Test
    void aCloseBlockedOnAFrozenReplicaIsCutOverTls() throws Exception {
        FrozenNodeIT.aCloseBlockedOnAFrozenReplicaIsCutWhenTheMonitorFindsItSilent(cluster, verifyFull());
    }

    @Test
    void aSwitchoverAndBackUnderLoadFailsAndLosesNoWriteOverTls() throws Exception {
        SwitchoverIT.switchoversUnderLoadFromThreeRoutersFailAndLoseNoWrite(
                cluster, this::verifyFull, "replica-1", "primary");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aPromotedReplicaTakesTheWritesOverTls() throws SQLException {
        router = verifyFull().build();
        await(
                "every replica eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode promoted = cluster.node("replica-1");
        cluster.promote(promoted, ReplicaSet.OldPrimary.STOP);
        await("writes on replica-1", () -> {
            try (Connection c = router.getConnection()) {
                return Where.of(c).port() == promoted.port() && sessionUsesTls(c);
            } catch (SQLException notYet) {
                return false;
            }
        });
        assertThat(router.status().node("replica-1").role()).isEqualTo(NodeRole.PRIMARY);
        cluster.rejoinAsStandby(oldPrimary);
        await(
                "the old primary back as a replica",
                () -> router.status().node("primary").eligible());
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            assertThat(Where.of(c).inRecovery()).isTrue();
            assertThat(sessionUsesTls(c)).isTrue();
        }
    }

    private void assertOnlyServedBy(String replicaName) throws SQLException {
        int port = cluster.node(replicaName).port();
        for (int i = 0; i < 10; i++) {
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                assertThat(Where.of(c).port()).isEqualTo(port);
            }
        }
        try (Connection c = router.getConnection()) {
            assertThat(Where.of(c).inRecovery()).isFalse();
        }
    }

    private static boolean sessionUsesTls(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void execute(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }
}
