package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.CausalRouting;
import io.pgrouter.internal.RoutedConnection;
import io.pgrouter.internal.config.HostileInputTest;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        router = causal(TestRouters.routerFor(cluster), mode).build();
        return router;
    }

    private static RoutingDataSource.Builder causal(RoutingDataSource.Builder routerFor, ConsistencyMode mode) {
        return routerFor
                .probeInterval(Duration.ofMillis(200))
                .consistencyMode(mode)
                .replicaPool(PoolSettings.from(PoolSettings.REPLICA_DEFAULTS)
                        .maximumPoolSize(12)
                        .build())
                .primaryPool(PoolSettings.from(PoolSettings.PRIMARY_DEFAULTS)
                        .maximumPoolSize(12)
                        .build());
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
        withASessionNoReadMissesItsWrite(cluster, TestRouters.routerFor(cluster), ConsistencyMode.EXACT);
    }

    @Test
    void withASessionNoReadMissesItsWriteInProbeMode() throws Exception {
        withASessionNoReadMissesItsWrite(cluster, TestRouters.routerFor(cluster), ConsistencyMode.PROBE);
    }

    /**
     * The read-your-writes scenario, on any cluster with replicas: each replica applies commits 200 ms late, and no
     * read of a causal session misses the session's write. {@code routerFor} has every node (and, for TLS, how to
     * verify them).
     */
    static void withASessionNoReadMissesItsWrite(
            ReplicaSet cluster, RoutingDataSource.Builder routerFor, ConsistencyMode mode) throws Exception {
        try (RoutingDataSource router = causal(routerFor, mode).build()) {
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute(ReadAfterWrite.TABLE);
            }
            cluster.awaitReplicated(Duration.ofSeconds(30));
            cluster.replicas().forEach(r -> r.setReplayDelay(Duration.ofMillis(200)));
            ReadAfterWrite check;
            try {
                check = new ReadAfterWrite(router).run(WRITERS, RUN, true);
            } finally {
                cluster.replicas().forEach(r -> r.setReplayDelay(Duration.ZERO));
            }

            System.out.println("delay 200 ms, " + mode + ": " + check);
            assertThat(check.violations()).as(check.toString()).isZero();
            assertThat(check.pairs()).isGreaterThan(100);
            assertThat(check.plainOnReplicas())
                    .as("reads without a position stay on replicas")
                    .isGreaterThanOrEqualTo(0.8);
        }
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
        String system = TestRouters.systemIdentifier(cluster);
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

    @Test
    void forgedTokensOfEveryKindNeverFailAReadOrAWriteAndWaitAtMostMaxWait() throws Exception {
        RoutingDataSource r = router(ConsistencyMode.EXACT);
        String system = TestRouters.systemIdentifier(cluster);
        List<String> tokens = new ArrayList<>(HostileInputTest.HOSTILE_TOKENS);
        tokens.add("1." + system + ".1.7fffffffffffffff"); // far in the future of this cluster: the one that waits
        tokens.add("1." + system + ".1.7fffffffffffffff.p");
        tokens.add("1." + system + ".ffffffff.10"); // a timeline no node is on
        tokens.add("1." + system + ".1.0"); // the very beginning: every replica has it
        tokens.add("1.1234.1.7fffffffffffffff"); // another cluster
        tokens.add("1.p");
        try (Connection c = r.getConnection();
                Statement s = c.createStatement()) {
            s.execute(ReadAfterWrite.TABLE);
        }
        for (String token : tokens) {
            CausalSession session = CausalSession.fromToken(token);
            RouteReason reason = r.causal(session, () -> readReason(r));
            r.causal(session, () -> {
                try (Connection c = r.getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("insert into causal_check (writer, note) values (-1, 'forged')");
                }
                return null;
            });
            System.out.println("token " + token.replace("\r\n", "\\r\\n") + ": read " + reason + ", then " + session);
        }
        CausalRouting causal = r.unwrap(io.pgrouter.internal.RouterRuntime.class)
                .router()
                .decider()
                .causal();
        long timedOut = causal.waits(CausalRouting.WaitOutcome.TIMED_OUT);
        assertThat(timedOut)
                .as("only the position far ahead on this timeline waits")
                .isEqualTo(1);
        assertThat(causal.waits(CausalRouting.WaitOutcome.CAUGHT_UP)).isZero();
        long meanWaitMillis = causal.waitNanos(CausalRouting.WaitOutcome.TIMED_OUT) / timedOut / 1_000_000;
        System.out.println("forged tokens: the wait lasted " + meanWaitMillis + " ms (max-wait 100 ms)");
        assertThat(meanWaitMillis)
                .as("the wait ends at max-wait (100 ms), plus at most one answer of a busy replica")
                .isBetween(100L, 2_100L);
    }

    private static RouteReason readReason(RoutingDataSource r) throws SQLException {
        try (Connection c = r.getConnection()) {
            c.setReadOnly(true);
            c.createStatement().executeQuery("select 1").close();
            return c.unwrap(RoutedConnection.class).route().reason();
        }
    }
}
