package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrouter.micrometer.MicrometerMetrics;
import io.pgrouter.micrometer.PgRouterMetrics;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Meters, events and the JSON status against a real primary and two replicas, some of which are stopped. */
@PostgresReplicaSet(replicas = 2, isolated = true)
@SuppressWarnings("try") // scopes are opened for their effect, not referenced
class RouterMetricsIT {

    static ReplicaSet cluster;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingListener events = new RecordingListener();

    private RoutingDataSource router() {
        return TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .failedReplicaBackoff(Duration.ofMillis(500))
                .metrics(MicrometerMetrics.of(registry))
                .listener(events)
                .build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        RecordingListener.await(what, Duration.ofSeconds(30), condition);
    }

    private double decisions(String reason) {
        return registry.find(PgRouterMetrics.ROUTE_DECISIONS).tag("reason", reason).functionCounters().stream()
                .mapToDouble(FunctionCounter::count)
                .sum();
    }

    private double gauge(String name, String node) {
        return registry.get(name).tag("node", node).gauge().value();
    }

    private long probes(String node) {
        return registry.find(PgRouterMetrics.PROBE_LATENCY).tag("node", node).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    private static Where read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return Where.of(c);
        }
    }

    @Test
    void decisionsLagPoolsAndProbesAreMeasured() throws Exception {
        try (RoutingDataSource router = router()) {
            // The reads below are counted as replica decisions: start from replicas in rotation.
            await(
                    "both replicas eligible",
                    () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table if not exists metrics_it (id serial primary key)");
            }
            for (int i = 0; i < 20; i++) {
                read(router);
            }
            for (int i = 0; i < 4; i++) {
                try (Connection c = router.getConnection();
                        Statement s = c.createStatement()) {
                    s.executeUpdate("insert into metrics_it default values");
                }
            }
            try (RouteScope primary = router.onPrimary()) {
                read(router);
                read(router);
            }

            assertThat(decisions("replica")).isEqualTo(20);
            assertThat(decisions("primary_write")).isEqualTo(5);
            assertThat(decisions("primary_forced")).isEqualTo(2);
            assertThat(registry.get(PgRouterMetrics.ROUTE_DECISIONS)
                            .tags("node", "primary", "route", "primary", "reason", "primary_write")
                            .functionCounter()
                            .count())
                    .isEqualTo(5);

            long probedBefore = probes("replica-1");
            await("probes of replica-1 are timed", () -> probes("replica-1") >= probedBefore + 3);
            for (PostgresNode replica : cluster.replicas()) {
                assertThat(gauge(PgRouterMetrics.REPLICA_LAG_BYTES, replica.name()))
                        .isGreaterThanOrEqualTo(0);
                assertThat(gauge(PgRouterMetrics.REPLICA_LAG_SECONDS, replica.name()))
                        .isGreaterThanOrEqualTo(0);
                assertThat(gauge(PgRouterMetrics.NODE_STATE, replica.name()))
                        .as("healthy")
                        .isEqualTo(1);
                assertThat(gauge(PgRouterMetrics.NODE_IN_ROTATION, replica.name()))
                        .isEqualTo(1);
                assertThat(gauge(PgRouterMetrics.NODE_ROLE, replica.name())).isZero();
                assertThat(gauge(PgRouterMetrics.NODE_BREAKER_STATE, replica.name()))
                        .as("closed")
                        .isZero();
                assertThat(registry.get("hikaricp.connections.acquire")
                                .tag("pool", "pgrouter-" + replica.name())
                                .timer()
                                .count())
                        .as("HikariCP timed the acquisitions")
                        .isPositive();
            }
            assertThat(gauge(PgRouterMetrics.REPLICA_LAG_BYTES, "primary")).isNaN();
            assertThat(gauge(PgRouterMetrics.NODE_ROLE, "primary")).isEqualTo(1);
            assertThat(registry.get("hikaricp.connections.max")
                            .tag("pool", "pgrouter-primary")
                            .gauge()
                            .value())
                    .isEqualTo(PoolSettings.PRIMARY_DEFAULTS.maximumPoolSize());
            assertThat(gauge(PgRouterMetrics.POOL_UTILIZATION, "primary")).isBetween(0.0, 1.0);
            Timer primaryProbes = registry.get(PgRouterMetrics.PROBE_LATENCY)
                    .tags("node", "primary", "outcome", "success")
                    .timer();
            assertThat(primaryProbes.count()).isPositive();
            System.out.printf(
                    "metrics: lag replica-1 %.0f bytes / %.3f s, probe primary mean %.2f ms max %.2f ms over"
                            + " %d probes, primary pool utilization %.2f%n",
                    gauge(PgRouterMetrics.REPLICA_LAG_BYTES, "replica-1"),
                    gauge(PgRouterMetrics.REPLICA_LAG_SECONDS, "replica-1"),
                    primaryProbes.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    primaryProbes.max(java.util.concurrent.TimeUnit.MILLISECONDS),
                    primaryProbes.count(),
                    gauge(PgRouterMetrics.POOL_UTILIZATION, "primary"));

            JsonNode status =
                    JsonMapper.builder().build().readTree(router.status().toJson());
            assertThat(status.get("nodes")).hasSize(3);
            JsonNode replica = status.get("nodes").get(1);
            assertThat(replica.get("name").asString()).isEqualTo("replica-1");
            assertThat(replica.get("health").asString()).isEqualTo("healthy");
            assertThat(replica.get("lagBytes").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(replica.get("lastProbeAt").asString()).endsWith("Z");
            assertThat(status.toString()).doesNotContain(cluster.password());
        }
        assertThat(registry.find(PgRouterMetrics.NODE_STATE).gauges())
                .as("removed on close")
                .isEmpty();
    }

    @Test
    void stoppedReplicasAreEventsAndGaugesAndComeBack() throws Exception {
        PostgresNode first = cluster.replica(0);
        PostgresNode second = cluster.replica(1);
        try (RoutingDataSource router = router()) {
            await(
                    "both replicas in rotation",
                    () -> gauge(PgRouterMetrics.NODE_IN_ROTATION, first.name()) == 1
                            && gauge(PgRouterMetrics.NODE_IN_ROTATION, second.name()) == 1);
            events.clear();

            first.stop();
            try {
                await(
                        "replica-1 leaves rotation",
                        () -> events.heard(
                                NodeStateChangeEvent.class, e -> e.node().equals(first.name()) && !e.inRotation()));
                assertThat(gauge(PgRouterMetrics.NODE_IN_ROTATION, first.name()))
                        .isZero();
                assertThat(gauge(PgRouterMetrics.NODE_STATE, first.name()))
                        .as("unreachable")
                        .isEqualTo(4);
                assertThat(gauge(PgRouterMetrics.REPLICA_LAG_BYTES, first.name()))
                        .isNaN();
                assertThat(read(router).node(cluster)).isEqualTo(second.name());
                assertThat(events.of(FallbackEvent.class))
                        .as("replica-2 still serves")
                        .isEmpty();

                second.stop();
                try {
                    await("fallback starts", () -> events.heard(FallbackEvent.class, FallbackEvent::started));
                    assertThat(registry.get(PgRouterMetrics.ROUTE_FALLBACK)
                                    .gauge()
                                    .value())
                            .isEqualTo(1);
                    double fallbacksBefore = decisions("fallback_no_eligible_replica");
                    assertThat(read(router).node(cluster)).isEqualTo("primary");
                    assertThat(decisions("fallback_no_eligible_replica")).isEqualTo(fallbacksBefore + 1);
                } finally {
                    second.start();
                }
                await("fallback ends", () -> events.heard(FallbackEvent.class, e -> !e.started()));
                assertThat(registry.get(PgRouterMetrics.ROUTE_FALLBACK).gauge().value())
                        .isZero();
            } finally {
                first.start();
            }
            await("replica-1 back in rotation", () -> gauge(PgRouterMetrics.NODE_IN_ROTATION, first.name()) == 1);
            assertThat(events.heard(
                            NodeStateChangeEvent.class,
                            e -> e.node().equals(first.name()) && e.to() == HealthState.HEALTHY && e.inRotation()))
                    .isTrue();
            assertThat(gauge(PgRouterMetrics.NODE_BREAKER_STATE, first.name()))
                    .as("closed again")
                    .isZero();
            events.all().forEach(e -> System.out.println("event: " + e));
        }
    }

    @Test
    void causalWaitsCapturesAndRejectedTokensAreMeasured() throws Exception {
        try (RoutingDataSource router = router()) {
            await(
                    "both replicas eligible",
                    () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
            double malformedBefore = rejections("malformed");
            CausalSession.fromToken("1.not-a-token");
            assertThat(rejections("malformed")).isEqualTo(malformedBefore + 1);

            CausalSession session = CausalSession.create();
            try (RouteScope ignored = router.causal(session)) {
                try (Connection c = router.getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("create table if not exists metrics_causal (id serial primary key)");
                }
                read(router);
            }
            assertThat(registry.get(PgRouterMetrics.CONSISTENCY_CAPTURES)
                            .tag("outcome", "success")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);

            String system = TestRouters.systemIdentifier(cluster);
            CausalSession future = CausalSession.fromToken("1." + system + ".1.7fffffffffffffff");
            assertThat(router.causal(future, () -> read(router)).inRecovery())
                    .as("no replica reaches a position from the future: the primary serves it")
                    .isFalse();
            io.micrometer.core.instrument.FunctionTimer timedOut = registry.get(PgRouterMetrics.CONSISTENCY_WAITS)
                    .tag("outcome", "timed_out")
                    .functionTimer();
            assertThat(timedOut.count()).isEqualTo(1);
            assertThat(timedOut.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("the wait lasted max-wait (100 ms), give or take")
                    .isGreaterThanOrEqualTo(100)
                    .isLessThan(30_000);
            double waitsWithOtherOutcomes = registry.find(PgRouterMetrics.CONSISTENCY_WAITS).functionTimers().stream()
                    .mapToDouble(io.micrometer.core.instrument.FunctionTimer::count)
                    .sum();
            assertThat(waitsWithOtherOutcomes - timedOut.count())
                    .as("the session's own read either found a caught-up replica or waited for one")
                    .isEqualTo(decisions("replica_after_wait"));

            CausalSession foreign = CausalSession.fromToken("1.1234.1.1");
            router.causal(foreign, () -> read(router));
            assertThat(rejections("other_cluster")).isEqualTo(1);
        }
    }

    private double rejections(String kind) {
        return registry.get(PgRouterMetrics.CONSISTENCY_TOKEN_REJECTIONS)
                .tag("kind", kind)
                .functionCounter()
                .count();
    }
}
