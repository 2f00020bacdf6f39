package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replicas keep serving reads while the primary is away (frozen, or killed), past max-delay, for as long as the bound on
 * their staleness stays under primary-away-max-delay; after that a read fails at once, naming every node and why.
 */
@PostgresReplicaSet(replicas = 2, isolated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrimaryAwayIT {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** Held while the primary answers; the reads below outlast it. */
    private static final Duration MAX_DELAY = Duration.ofSeconds(2);

    private static final Duration PRIMARY_AWAY_MAX_DELAY = Duration.ofSeconds(8);
    /**
     * Reads must all succeed this long after the primary went away (counted from before the fault, whose own control
     * can take seconds on a loaded machine): past max-delay, far inside primary-away-max-delay.
     */
    private static final Duration SURELY_INSIDE = Duration.ofSeconds(3);

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    static ReplicaSet cluster;

    @Test
    @Order(1)
    void aFrozenPrimaryLeavesReadsOnTheReplicas() throws Exception {
        aFrozenPrimaryLeavesReadsOnTheReplicas(cluster, TestRouters.routerFor(cluster));
    }

    /**
     * The scenario of a frozen primary, on any cluster of a primary and two replicas named as the kit names them;
     * {@code routerFor} has every node (and, for TLS, how to verify them).
     */
    static void aFrozenPrimaryLeavesReadsOnTheReplicas(ReplicaSet cluster, RoutingDataSource.Builder routerFor)
            throws Exception {
        try (RoutingDataSource router = withLagBounds(routerFor).build()) {
            warmUp(cluster, router);
            PostgresNode primary = cluster.primary();
            primary.freeze();
            Window window;
            try {
                // Probes of the primary now time out; its WAL senders are frozen too, so the replicas get nothing new.
                window = readFor(cluster, router, SURELY_INSIDE);
                NodeStatus replica = router.status().node("replica-1");
                System.out.printf(
                        "Primary frozen: %s; replica-1 lag %d ms (%s), %s%n",
                        window,
                        replica.lagMillis(),
                        replica.lagBasis(),
                        router.status().primary().notEligibleReason());
                assertThat(replica.lagBasis()).isEqualTo("primary_unreachable_bound");
                assertThat(replica.lagBytes())
                        .as("unknown while the primary does not answer")
                        .isEqualTo(-1);
                assertThat(replica.eligible()).isTrue();
            } finally {
                primary.thaw();
            }
            assertThat(window.failures).isEmpty();
            assertThat(window.served).containsOnlyKeys("replica-1", "replica-2");
            Awaitility.await("the primary answers again")
                    .atMost(DEADLINE)
                    .until(() -> router.status().node("replica-1").lagBasis().equals("wal_history"));
        }
    }

    @Test
    @Order(2)
    void aKilledPrimaryLeavesReadsOnTheReplicasUntilPrimaryAwayMaxDelayThenReadsFailAtOnceNamingEveryNode()
            throws Exception {
        try (RoutingDataSource router =
                withLagBounds(TestRouters.routerFor(cluster)).build()) {
            warmUp(cluster, router);
            long killed = System.nanoTime();
            cluster.primary().kill();

            Window inside = readFor(cluster, router, SURELY_INSIDE.minusNanos(System.nanoTime() - killed));
            System.out.printf("Primary killed: first %d ms: %s%n", SURELY_INSIDE.toMillis(), inside);
            assertThat(inside.failures).isEmpty();
            assertThat(inside.served.keySet()).isSubsetOf("replica-1", "replica-2");

            // Then reads go on until the replicas' bound passes primary-away-max-delay, and fail from then on.
            int more = 0;
            SQLException failure = null;
            while (failure == null) {
                assertThat(Duration.ofNanos(System.nanoTime() - killed))
                        .as("replicas still serving")
                        .isLessThan(DEADLINE);
                try {
                    assertThat(read(router).node(cluster)).startsWith("replica-");
                    more++;
                } catch (SQLException e) {
                    failure = e;
                }
            }
            long firstFailureMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf(
                    "Primary killed: %d more reads on replicas, the first failure %d ms after the kill"
                            + " (primary-away-max-delay %d ms): %s%n",
                    more, firstFailureMillis, PRIMARY_AWAY_MAX_DELAY.toMillis(), failure.getMessage());
            assertThat((Throwable) failure)
                    .isInstanceOf(NoEligibleNodeException.class)
                    .hasMessageStartingWith(
                            "No node can serve the read: no replica is eligible and the primary, where reads fall back, is down")
                    .hasMessageContaining("primary: down: probe failed")
                    .hasMessageContaining("replica-1: lagging: staleness bound")
                    .hasMessageContaining("replica-2: lagging: staleness bound")
                    .hasMessageContaining("> primary-away-max-delay 8000 ms");
            // The bound counts from the last probe that saw the primary, up to a probe interval before the kill.
            assertThat(firstFailureMillis)
                    .as("not before the bound can have passed primary-away-max-delay")
                    .isGreaterThanOrEqualTo(
                            PRIMARY_AWAY_MAX_DELAY.minusSeconds(1).toMillis());
            assertThat(((NoEligibleNodeException) failure).reasons())
                    .containsOnlyKeys("primary", "replica-1", "replica-2");

            long started = System.nanoTime();
            try {
                read(router);
            } catch (NoEligibleNodeException e) {
                // expected: failing fast is the point
            }
            long failedInMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf(
                    "A read with the primary down and every replica past max-delay failed in %d ms%n", failedInMillis);
            assertThat(failedInMillis)
                    .as("fails at once, not after a pool timeout")
                    .isLessThan(1000);
        } finally {
            cluster.primary().start();
        }
    }

    private static RoutingDataSource.Builder withLagBounds(RoutingDataSource.Builder routerFor) {
        return routerFor
                .probeInterval(INTERVAL)
                .lagThresholds(new LagThresholds(16 * 1024 * 1024, MAX_DELAY, 3, PRIMARY_AWAY_MAX_DELAY));
    }

    /** Writes something, waits until both replicas have it and are in rotation. */
    private static void warmUp(ReplicaSet cluster, RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS away(id serial PRIMARY KEY)");
            s.execute("INSERT INTO away DEFAULT VALUES");
        }
        cluster.awaitReplicated(DEADLINE);
        Awaitility.await("both replicas in rotation")
                .atMost(DEADLINE)
                .until(() -> router.status().node("replica-1").eligible()
                        && router.status().node("replica-2").eligible());
    }

    private static Window readFor(ReplicaSet cluster, RoutingDataSource router, Duration length) {
        Window window = new Window();
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try {
                window.served.merge(read(router).node(cluster), 1, Integer::sum);
            } catch (SQLException e) {
                window.failures.add(e.getSQLState() + " " + e.getMessage());
            }
            window.slowestNanos = Math.max(window.slowestNanos, System.nanoTime() - t0);
        }
        return window;
    }

    private static Where read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return Where.of(c);
        }
    }

    private static final class Window {
        final Map<String, Integer> served = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        long slowestNanos;

        @Override
        public String toString() {
            return served.values().stream().mapToInt(Integer::intValue).sum() + " reads served by " + served + ", "
                    + failures.size() + " failed, slowest " + TimeUnit.NANOSECONDS.toMillis(slowestNanos) + " ms";
        }
    }
}
