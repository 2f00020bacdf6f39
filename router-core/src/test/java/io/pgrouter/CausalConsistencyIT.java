package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.RoutedConnection;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Read-your-writes against real replication: a replica that applies commits 200 ms late, then none late. */
@PostgresReplicaSet(replicas = 2, isolated = true)
class CausalConsistencyIT {

    private static final Duration RUN = Duration.ofSeconds(4);
    private static final int WRITERS = 8;

    static ReplicaSet cluster;
    private RoutingDataSource router;

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(ReadAfterWrite.TABLE);
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    @AfterEach
    void closeRouter() {
        if (router != null) {
            router.close();
        }
        cluster.replicas().forEach(r -> r.setReplayDelay(Duration.ZERO));
    }

    private RoutingDataSource router(ConsistencyMode mode) {
        router = TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .consistencyMode(mode)
                .replicaPool(PoolSettings.from(PoolSettings.REPLICA_DEFAULTS)
                        .maximumPoolSize(12)
                        .build())
                .primaryPool(PoolSettings.from(PoolSettings.PRIMARY_DEFAULTS)
                        .maximumPoolSize(12)
                        .build())
                .build();
        return router;
    }

    private static void delayReplicas() {
        cluster.replicas().forEach(r -> r.setReplayDelay(Duration.ofMillis(200)));
    }

    @Test
    void withoutASessionReadsRightAfterAWriteAreStaleOnADelayedReplica() throws Exception {
        delayReplicas();
        ReadAfterWrite check = new ReadAfterWrite(router(ConsistencyMode.EXACT)).run(WRITERS, RUN, false);

        System.out.println("delay 200 ms, no session: " + check);
        assertThat(check.violations()).as(check.toString()).isPositive();
    }

    @Test
    void withASessionNoReadMissesItsWriteInExactMode() throws Exception {
        delayReplicas();
        ReadAfterWrite check = new ReadAfterWrite(router(ConsistencyMode.EXACT)).run(WRITERS, RUN, true);

        System.out.println("delay 200 ms, exact: " + check);
        assertThat(check.violations()).as(check.toString()).isZero();
        assertThat(check.pairs()).isGreaterThan(100);
        assertThat(check.plainOnReplicas())
                .as("reads without a position stay on replicas")
                .isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void withASessionNoReadMissesItsWriteInProbeMode() throws Exception {
        delayReplicas();
        ReadAfterWrite check = new ReadAfterWrite(router(ConsistencyMode.PROBE)).run(WRITERS, RUN, true);

        System.out.println("delay 200 ms, probe: " + check);
        assertThat(check.violations()).as(check.toString()).isZero();
        assertThat(check.pairs()).isGreaterThan(100);
        assertThat(check.plainOnReplicas())
                .as("reads without a position stay on replicas")
                .isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void withoutDelayMostReadsWithAPositionStayOnReplicasInExactMode() throws Exception {
        ReadAfterWrite check = new ReadAfterWrite(router(ConsistencyMode.EXACT)).run(WRITERS, RUN, true);

        System.out.println("no delay, exact: " + check);
        assertThat(check.violations()).as(check.toString()).isZero();
        assertThat(check.onReplicas()).as(check.toString()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void withoutDelayProbeModeSendsReadsRightAfterAWriteToThePrimary() throws Exception {
        ReadAfterWrite check = new ReadAfterWrite(router(ConsistencyMode.PROBE)).run(WRITERS, RUN, true);

        System.out.println("no delay, probe: " + check);
        assertThat(check.violations()).as(check.toString()).isZero();
        assertThat(check.reads(RouteReason.PRIMARY_CAUSAL)).as(check.toString()).isPositive();
    }

    @Test
    void aConnectionThatRanNothingOrOnlyReadCapturesNothing() throws Exception {
        RoutingDataSource r = router(ConsistencyMode.EXACT);
        CausalSession session = CausalSession.create();
        try (RouteScope ignored = r.causal(session)) {
            try (Connection c = r.getConnection()) {
                c.setAutoCommit(false);
                c.commit();
            }
            try (Connection c = r.getConnection()) {
                c.setReadOnly(true);
                c.createStatement().executeQuery("select 1").close();
            }
        }
        assertThat(session.isEmpty()).isTrue();
        assertThat(r.unwrap(io.pgrouter.internal.RouterRuntime.class)
                        .router()
                        .decider()
                        .causal()
                        .captures())
                .isZero();
    }

    @Test
    void aTokenFromTheFutureWaitsAtMostMaxWaitThenReadsOnThePrimary() throws Exception {
        RoutingDataSource r = router(ConsistencyMode.EXACT);
        String system;
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select system_identifier from pg_control_system()")) {
            rs.next();
            system = Long.toHexString(rs.getLong(1));
        }
        CausalSession future = CausalSession.fromToken("1." + system + ".1.7fffffffffffffff");
        CausalSession foreign = CausalSession.fromToken("1.1234.1.7fffffffffffffff");
        CausalSession garbage = CausalSession.fromToken("1.zzz");

        long started = System.nanoTime();
        assertThat(r.causal(future, () -> readReason(r))).isEqualTo(RouteReason.PRIMARY_CAUSAL);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.causal(foreign, () -> readReason(r)))
                .as("another cluster's position is ignored")
                .isEqualTo(RouteReason.REPLICA);
        assertThat(r.causal(garbage, () -> readReason(r)))
                .as("a bad token is no token")
                .isEqualTo(RouteReason.REPLICA);
        System.out.println("a position from the future: primary after " + tookMillis + " ms (max-wait 100 ms)");
        assertThat(r.unwrap(io.pgrouter.internal.RouterRuntime.class)
                        .router()
                        .decider()
                        .causal()
                        .foreignPositions())
                .isEqualTo(1);
    }

    private static RouteReason readReason(RoutingDataSource r) throws SQLException {
        try (Connection c = r.getConnection()) {
            c.setReadOnly(true);
            c.createStatement().executeQuery("select 1").close();
            return c.unwrap(RoutedConnection.class).route().reason();
        }
    }
}
