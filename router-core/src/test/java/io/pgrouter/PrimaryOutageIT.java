package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * No write waits out the pool's connection timeout on a primary the monitor knows is gone: waiting writes move to
 * a promoted replica, or fail at once with the reason. The pools here wait 30 s for a connection (HikariCP's
 * default), so every bound asserted below is far from what the pool alone would give. Each test starts a cluster
 * of its own, since each breaks its primary.
 */
class PrimaryOutageIT {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration POOL_WAIT = Duration.ofSeconds(30);
    /** Far under {@link #POOL_WAIT}, with room for a loaded 2-core machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @Test
    void writesWaitingInTheOldPrimarysPoolMoveToThePromotedReplica() throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(1).start();
                RoutingDataSource router = TestRouters.routerFor(cluster)
                        .probeInterval(INTERVAL)
                        .primaryPool(PoolSettings.custom()
                                .maximumPoolSize(2)
                                .minimumIdle(2)
                                .connectionTimeout(POOL_WAIT)
                                .build())
                        .build()) {
            execute(router, "CREATE TABLE moved(id int)");
            // Every connection of the primary's pool is taken: the writers below wait in it.
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Connection c = router.getConnection();
                c.createStatement().close();
                held.add(c);
            }
            ExecutorService writers = Executors.newFixedThreadPool(3);
            try {
                List<Future<String>> writes = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    writes.add(writers.submit(() -> {
                        try (Connection c = router.getConnection()) {
                            c.createStatement().execute("INSERT INTO moved VALUES (" + id + ")");
                            return Where.of(c).node(cluster);
                        }
                    }));
                }
                awaitWaiting(router, 3);
                cluster.promote(cluster.replica(0));
                long promoted = System.nanoTime();
                for (Future<String> write : writes) {
                    assertThat(write.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS))
                            .isEqualTo("replica-1");
                }
                System.out.printf(
                        "3 writes waiting in the old primary's pool (30 s timeout) done on the promoted replica %d ms"
                                + " after the promotion%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promoted));
            } finally {
                writers.shutdownNow();
                for (Connection c : held) {
                    c.close();
                }
            }
            assertThat(count(cluster.primary().dataSource(), "SELECT count(*) FROM moved"))
                    .isEqualTo(3);
            assertThat(router.status().node("primary").threadsAwaitingConnection())
                    .isZero();
        }
    }

    @Test
    void aWriteFailsAtOnceWithTheReasonWhileThePrimaryIsKnownDown() throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(1).start();
                RoutingDataSource router = TestRouters.routerFor(cluster)
                        .probeInterval(INTERVAL)
                        .primaryPool(PoolSettings.custom()
                                .maximumPoolSize(2)
                                .connectionTimeout(POOL_WAIT)
                                .build())
                        .build()) {
            execute(router, "SELECT 1");
            cluster.primary().kill();

            // Writes started now wait in the pool until the monitor knows, then fail with the reason.
            long started = System.nanoTime();
            SQLException first = writeFailure(router);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf(
                    "A write on a killed primary failed after %d ms (pool timeout %d s): %s%n",
                    waited.toMillis(), POOL_WAIT.toSeconds(), first.getMessage());
            assertThat(waited).isLessThan(PROMPTLY);

            // Once the monitor knows, a write fails within a probe round (the one it asks for), naming the node and
            // why.
            started = System.nanoTime();
            assertThatThrownBy(() -> execute(router, "SELECT 1"))
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("Primary 'primary' is down")
                    .hasMessageContaining("probes in a row");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        }
    }

    /**
     * The monitor learns of a promotion only at a probe round. A write that finds the primary known down asks for a
     * round at once and waits for it (at most one interval plus one probe timeout), so that a write attempted after
     * the promotion and before the next scheduled round goes to the new primary instead of failing. The interval here
     * is long (5 s), so that the next scheduled round is far away when the write comes; without the requested round
     * it failed at once.
     */
    @Test
    void aWriteAfterThePromotionSucceedsBeforeTheNextScheduledProbeRound() throws Exception {
        RoleChanges roleChanges = new RoleChanges();
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(1).start();
                RoutingDataSource router = TestRouters.routerFor(cluster)
                        .probeInterval(Duration.ofSeconds(5))
                        .probeTimeout(Duration.ofMillis(300))
                        .listener(roleChanges)
                        .primaryPool(PoolSettings.custom()
                                .maximumPoolSize(2)
                                .connectionTimeout(Duration.ofSeconds(2))
                                .build())
                        .build()) {
            execute(router, "CREATE TABLE after_promotion(id int)");
            cluster.awaitReplicated(PROMPTLY.multipliedBy(6));
            RouterRuntime runtime = router.unwrap(RouterRuntime.class);
            cluster.primary().kill();
            Awaitility.await("the router knows the primary is down")
                    .atMost(PROMPTLY.multipliedBy(6))
                    .until(() -> {
                        runtime.probeNow();
                        return runtime.router().topology().current().primary().downReason() != null;
                    });

            PostgresNode target = cluster.replica(0);
            cluster.promote(target);
            long seenBeforeTheWrite = roleChanges.seenAt.get();
            long started = System.nanoTime();
            String node;
            try (Connection c = router.getConnection()) {
                c.createStatement().execute("INSERT INTO after_promotion VALUES (1)");
                node = Where.of(c).node(cluster);
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf(
                    "A write right after the promotion, the primary known down, succeeded on %s in %d ms%n",
                    node, tookMs);
            Assumptions.assumeTrue(
                    seenBeforeTheWrite == 0,
                    "a scheduled probe round saw the promotion before the write (the kit's promotion took long):"
                            + " nothing left to show");
            assertThat(node).isEqualTo(target.name());
            assertThat(count(target.dataSource(), "SELECT count(*) FROM after_promotion"))
                    .isEqualTo(1);
        }
    }

    /**
     * With {@code primary-down-wait} longer than the failover, a write that comes while no node answers as the primary
     * waits for the promotion and succeeds on the promoted replica, instead of failing after one probe round.
     */
    @Test
    void aWriteWaitsForAPromotionWithinPrimaryDownWait() throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(1).start();
                RoutingDataSource router = TestRouters.routerFor(cluster)
                        .probeInterval(INTERVAL)
                        .primaryDownWait(Duration.ofSeconds(30))
                        .build()) {
            execute(router, "CREATE TABLE held_for_promotion(id int)");
            cluster.awaitReplicated(PROMPTLY.multipliedBy(6));
            RouterRuntime runtime = router.unwrap(RouterRuntime.class);
            cluster.primary().kill();
            Awaitility.await("the router knows the primary is down")
                    .atMost(PROMPTLY.multipliedBy(6))
                    .until(() -> runtime.router().topology().current().primary().downReason() != null);

            long started = System.nanoTime();
            Future<String> write = writer.submit(() -> {
                try (Connection c = router.getConnection()) {
                    c.createStatement().execute("INSERT INTO held_for_promotion VALUES (1)");
                    return Where.of(c).node(cluster);
                }
            });
            // Far past the default wait (one interval plus one probe timeout, 360 ms here): still waiting, not failed.
            Awaitility.await("the write still waits for a primary")
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !write.isDone());
            PostgresNode target = cluster.replica(0);
            long promoting = System.nanoTime();
            cluster.promote(target);
            String node = write.get(60, TimeUnit.SECONDS);
            long done = System.nanoTime();
            System.out.printf(
                    "A write held while no node answered as the primary succeeded on %s after %d ms, %d ms after the"
                            + " promotion began%n",
                    node,
                    TimeUnit.NANOSECONDS.toMillis(done - started),
                    TimeUnit.NANOSECONDS.toMillis(done - promoting));
            assertThat(node).isEqualTo(target.name());
            assertThat(count(target.dataSource(), "SELECT count(*) FROM held_for_promotion"))
                    .isEqualTo(1);
        } finally {
            writer.shutdownNow();
        }
    }

    private static SQLException writeFailure(RoutingDataSource router) {
        // The first write may still get a pooled connection to the dead server and fail on its socket; the ones
        // after it wait in the pool.
        SQLException last = null;
        for (int i = 0; i < 3; i++) {
            try {
                execute(router, "SELECT 1");
            } catch (SQLException e) {
                last = e;
                if (e.getMessage().contains("is down")) {
                    return e;
                }
            }
        }
        if (last == null) {
            throw new AssertionError("writes on a killed primary succeeded");
        }
        return last;
    }

    private static void awaitWaiting(RoutingDataSource router, int threads) throws InterruptedException {
        long deadline = System.nanoTime() + PROMPTLY.toNanos();
        while (router.status().node("primary").threadsAwaitingConnection() < threads) {
            assertThat(System.nanoTime())
                    .as("writers waiting in the primary's pool")
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static void execute(RoutingDataSource router, String sql) throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int count(javax.sql.DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
