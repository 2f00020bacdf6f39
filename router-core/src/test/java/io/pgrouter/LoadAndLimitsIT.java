package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

@PostgresReplicaSet(replicas = 2)
class LoadAndLimitsIT {

    static ReplicaSet cluster;

    private static final PoolSettings ONE_CONNECTION = PoolSettings.custom()
            .maximumPoolSize(1)
            .minimumIdle(0)
            .connectionTimeout(Duration.ofMillis(500))
            .build();

    private static Where read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return Where.of(c);
        }
    }

    @Test
    void spreadAcrossReplicasPerStrategy() throws Exception {
        int reads = 600;
        for (String strategy : List.of("round-robin", "random", "weighted", "least-in-flight", "lowest-lag")) {
            RoutingDataSource.Builder builder =
                    TestRouters.routerFor(cluster).selection(ReplicaSelector.named(strategy));
            if (strategy.equals("weighted")) {
                builder.weight(cluster.replica(1).name(), 3);
            }
            Map<String, LongAdder> counts = new ConcurrentHashMap<>();
            try (RoutingDataSource router = builder.build()) {
                ExecutorService threads = Executors.newFixedThreadPool(4);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < reads / 4; i++) {
                            counts.computeIfAbsent(read(router).node(cluster), k -> new LongAdder())
                                    .increment();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
                threads.shutdown();
            }
            Map<String, Long> spread = new TreeMap<>();
            counts.forEach((node, n) -> spread.put(node, n.sum()));
            System.out.printf("spread %-16s over %d reads (4 threads): %s%n", strategy, reads, spread);
            assertThat(spread.keySet())
                    .containsExactlyInAnyOrder(
                            cluster.replica(0).name(), cluster.replica(1).name());
            assertThat(spread.values().stream().mapToLong(Long::longValue).sum())
                    .as("every read on a replica")
                    .isEqualTo(reads);
            if (!strategy.equals("lowest-lag")) {
                // lowest-lag spreads only between replicas whose last probes showed equal lag: one probe that saw a
                // few bytes on one replica sends most reads to the other until the next probe (548 to 52 in a run).
                assertThat(spread.values()).allSatisfy(n -> assertThat(n).isGreaterThan(reads / 10));
            }
            if (strategy.equals("weighted")) {
                assertThat(spread.get(cluster.replica(1).name())).isGreaterThan(reads * 6 / 10);
            }
            if (strategy.equals("round-robin")) {
                assertThat(spread.values()).allSatisfy(n -> assertThat(n).isEqualTo(reads / 2));
            }
        }
    }

    @Test
    void flippingTheFlagUnderSixteenThreadsOfLoadCausesNoErrors() throws Exception {
        try (RoutingDataSource router = TestRouters.routerFor(cluster).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger completed = new AtomicInteger();
            List<Throwable> errors = new ArrayList<>();
            Map<Boolean, LongAdder> byRecovery = new ConcurrentHashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(threads.submit(() -> {
                    while (!stop.get()) {
                        try {
                            byRecovery
                                    .computeIfAbsent(read(router).inRecovery(), k -> new LongAdder())
                                    .increment();
                        } catch (Throwable e) {
                            synchronized (errors) {
                                errors.add(e);
                            }
                        }
                        completed.incrementAndGet();
                    }
                }));
            }
            int flips = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // Flip every 250 completed reads, 20 times: paced by the load itself, not by sleeping.
            while (flips < 20 && System.nanoTime() < deadline) {
                if (completed.get() >= (flips + 1) * 250) {
                    router.setReplicasEnabled(flips % 2 == 1);
                    flips++;
                }
                Thread.onSpinWait();
            }
            stop.set(true);
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();

            RouterStatus status = router.status();
            System.out.printf(
                    "flag flipped %d times under 16 threads: %d reads, %d errors, on replicas %s, on primary %s,"
                            + " primary reasons %s%n",
                    flips,
                    completed.get(),
                    errors.size(),
                    byRecovery.get(true),
                    byRecovery.get(false),
                    status.primary().routes());
            assertThat(errors).isEmpty();
            assertThat(flips).isEqualTo(20);
            assertThat(status.replicasEnabled()).isTrue();
            assertThat(byRecovery.get(true).sum()).isPositive();
            assertThat(status.primary().routes(RouteReason.FALLBACK_REPLICAS_DISABLED))
                    .isPositive();
        }
    }

    @Test
    void theFlagSendsTheNextConnectionToThePrimary() throws SQLException {
        try (RoutingDataSource router = TestRouters.routerFor(cluster).build()) {
            assertThat(read(router).inRecovery()).isTrue();
            router.setReplicasEnabled(false);
            assertThat(read(router).inRecovery()).isFalse();
            assertThat(router.status().replicasEnabled()).isFalse();
            router.setReplicasEnabled(true);
            assertThat(read(router).inRecovery()).isTrue();
        }
    }

    @Test
    void anExhaustedPrimaryPoolTimesOutNamingNodeAndPool() throws SQLException {
        try (RoutingDataSource router = TestRouters.routerFor(cluster)
                        .primaryPool(ONE_CONNECTION)
                        .build();
                Connection holder = router.getConnection()) {
            Where.of(holder);
            try (Connection second = router.getConnection()) {
                assertThatThrownBy(second::createStatement)
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("Node 'primary'")
                        .hasMessageContaining("pgrouter-primary")
                        .hasMessageContaining("request timed out");
            }
        }
    }

    @Test
    void exhaustedReplicaPoolsFallBackToThePrimaryOrFailListingEachReplica() throws SQLException {
        for (boolean fallback : new boolean[] {true, false}) {
            try (RoutingDataSource router = TestRouters.routerFor(cluster)
                    .replicaPool(ONE_CONNECTION)
                    .fallbackToPrimary(fallback)
                    .build()) {
                List<Connection> held = new ArrayList<>();
                while (held.size() < 2) {
                    Connection c = router.getConnection();
                    c.setReadOnly(true);
                    Where.of(c);
                    held.add(c);
                }
                try (Connection third = router.getConnection()) {
                    third.setReadOnly(true);
                    if (fallback) {
                        assertThat(Where.of(third).inRecovery()).isFalse();
                        assertThat(router.status().primary().routes(RouteReason.FALLBACK_ACQUIRE_FAILED))
                                .isEqualTo(1);
                        assertThat(router.status().replicas())
                                .allSatisfy(r -> assertThat(r.eligible())
                                        .as("busy is not down")
                                        .isTrue());
                    } else {
                        assertThatThrownBy(third::createStatement)
                                .isInstanceOf(NoEligibleNodeException.class)
                                .hasMessageContaining(cluster.replica(0).name() + ": pool pgrouter-"
                                        + cluster.replica(0).name())
                                .hasMessageContaining(cluster.replica(1).name() + ": pool pgrouter-"
                                        + cluster.replica(1).name());
                    }
                }
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void fromEnvironmentRoutesWithTheVariables() throws SQLException {
        PostgresNode primary = cluster.primary();
        StringBuilder replicaHosts = new StringBuilder();
        for (PostgresNode replica : cluster.replicas()) {
            replicaHosts
                    .append(replicaHosts.length() == 0 ? "" : ",")
                    .append(replica.host())
                    .append(':')
                    .append(replica.port());
        }
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", primary.host());
        env.put("POSTGRES_PORT", Integer.toString(primary.port()));
        env.put("POSTGRES_USER", cluster.user());
        env.put("POSTGRES_PASSWORD", cluster.password());
        env.put("POSTGRES_DATABASE", cluster.database());
        env.put("POSTGRES_REPLICA_HOST", replicaHosts.toString());
        env.put("DB_POOL_SIZE", "2");
        env.put("DB_MAX_OVERFLOW", "3");
        env.put("DB_POOL_TIMEOUT", "10");
        env.put("DB_POOL_RECYCLE", "600");
        env.put("DB_REPLICA_POOL_SIZE", "1");
        env.put("DB_REPLICA_MAX_OVERFLOW", "1");
        env.put("DB_REPLICA_POOL_TIMEOUT", "2");
        env.put("USE_READ_REPLICA", "true");
        env.put("REPLICA_FALLBACK_ENABLED", "true");
        try (RoutingDataSource router = RoutingDataSource.fromEnvironment(env)) {
            assertThat(read(router).inRecovery()).isTrue();
            try (Connection c = router.getConnection()) {
                assertThat(Where.of(c).port()).isEqualTo(primary.port());
            }
            RouterStatus status = router.status();
            assertThat(status.replicas()).extracting(NodeStatus::name).containsExactly("replica-1", "replica-2");
            assertThat(status.toString()).doesNotContain(cluster.password());
            assertThat(router.toString()).doesNotContain(cluster.password());
        }
    }
}
