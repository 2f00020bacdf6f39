package io.pgrouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrouter.FallbackEvent;
import io.pgrouter.HealthState;
import io.pgrouter.NodeStateChangeEvent;
import io.pgrouter.RecordingListener;
import io.pgrouter.RouteReason;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.Unreachable;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The meters over nodes that refuse connections: no PostgreSQL needed. */
class PgRouterMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        RecordingListener.await(what, Duration.ofSeconds(10), condition);
    }

    private double gauge(String name, String node) {
        return registry.get(name).tag("node", node).gauge().value();
    }

    private long probes(String node, String outcome) {
        Timer timer = registry.find(PgRouterMetrics.PROBE_LATENCY)
                .tags("node", node, "outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void consistencyMetersAreThereFromTheStartAndCountRejectedTokens() {
        try (RoutingDataSource router =
                Unreachable.router().metrics(MicrometerMetrics.of(registry)).build()) {
            assertThat(registry.find(PgRouterMetrics.CONSISTENCY_TOKEN_REJECTIONS)
                            .functionCounters())
                    .extracting(m -> m.getId().getTag("kind"))
                    .containsExactlyInAnyOrder("too_long", "unsupported_version", "malformed", "other_cluster");
            assertThat(registry.find(PgRouterMetrics.CONSISTENCY_WAITS).functionTimers())
                    .extracting(m -> m.getId().getTag("outcome"))
                    .containsExactlyInAnyOrder("caught_up", "timed_out", "failed");
            assertThat(registry.find(PgRouterMetrics.CONSISTENCY_WAITS).functionTimers())
                    .allSatisfy(t -> assertThat(t.count()).isZero());
            assertThat(registry.find(PgRouterMetrics.CONSISTENCY_CAPTURES).functionCounters())
                    .hasSize(2);

            double tooLong = rejected("too_long");
            double version = rejected("unsupported_version");
            io.pgrouter.CausalSession.fromToken("1." + "0".repeat(60));
            io.pgrouter.CausalSession.fromToken("2.abc.1.0");
            assertThat(rejected("too_long")).isEqualTo(tooLong + 1);
            assertThat(rejected("unsupported_version")).isEqualTo(version + 1);
        }
        assertThat(registry.find(PgRouterMetrics.CONSISTENCY_WAITS).functionTimers())
                .as("removed with the router")
                .isEmpty();
    }

    private double rejected(String kind) {
        return registry.get(PgRouterMetrics.CONSISTENCY_TOKEN_REJECTIONS)
                .tag("kind", kind)
                .functionCounter()
                .count();
    }

    @Test
    void theBuilderBindsEveryMeterAndTheMetersSayWhatTheMonitorFound() throws Exception {
        RecordingListener heard = new RecordingListener();
        try (RoutingDataSource router = Unreachable.router()
                .metrics(MicrometerMetrics.of(registry))
                .listener(heard)
                .build()) {
            await("three failed probes of replica-1", () -> probes("replica-1", "failure") >= 3);

            assertThat(registry.find(PgRouterMetrics.ROUTE_DECISIONS).functionCounters())
                    .hasSize(3 * RouteReason.values().length);
            FunctionCounter replicaReads = registry.get(PgRouterMetrics.ROUTE_DECISIONS)
                    .tags("node", "replica-1", "route", "replica", "reason", "replica")
                    .functionCounter();
            assertThat(replicaReads.count()).isZero();
            assertThat(registry.get(PgRouterMetrics.ROUTE_DECISIONS)
                            .tags("node", "primary", "route", "primary", "reason", "fallback_no_eligible_replica")
                            .functionCounter())
                    .isNotNull();

            assertThat(router.status().node("replica-1").health()).isEqualTo(HealthState.UNREACHABLE);
            assertThat(gauge(PgRouterMetrics.NODE_STATE, "replica-1")).isEqualTo(4);
            assertThat(gauge(PgRouterMetrics.NODE_STATE, "primary")).isEqualTo(4);
            assertThat(gauge(PgRouterMetrics.NODE_IN_ROTATION, "replica-1")).isZero();
            assertThat(gauge(PgRouterMetrics.NODE_ROLE, "primary")).isEqualTo(1);
            assertThat(gauge(PgRouterMetrics.NODE_ROLE, "replica-2")).isZero();
            assertThat(gauge(PgRouterMetrics.REPLICA_LAG_BYTES, "replica-1")).isNaN();
            assertThat(gauge(PgRouterMetrics.REPLICA_LAG_SECONDS, "replica-1")).isNaN();
            assertThat(gauge(PgRouterMetrics.NODE_BREAKER_STATE, "replica-1"))
                    .as("open")
                    .isEqualTo(1);
            assertThat(gauge(PgRouterMetrics.POOL_UTILIZATION, "replica-2")).isZero();
            assertThat(registry.get(PgRouterMetrics.POOL_UTILIZATION)
                            .tags("node", "primary", "pool", "pgrouter-primary")
                            .gauge())
                    .isNotNull();
            assertThat(registry.get(PgRouterMetrics.ROUTE_FALLBACK).gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get(PgRouterMetrics.REPLICA_LAG_BYTES)
                            .gauge()
                            .getId()
                            .getBaseUnit())
                    .isEqualTo("bytes");
            assertThat(registry.getMeters())
                    .filteredOn(m -> m.getId().getName().startsWith("pgrouter."))
                    .allSatisfy(m -> assertThat(m.getId().getDescription()).isNotBlank());

            assertThat(registry.get("hikaricp.connections.max")
                            .tag("pool", "pgrouter-replica-1")
                            .gauge()
                            .value())
                    .as("HikariCP reports every pool from the start")
                    .isPositive();
            assertThat(registry.find("hikaricp.connections.active").gauges()).hasSize(3);

            assertThat(heard.of(FallbackEvent.class)).hasSize(1);
            assertThat(heard.of(NodeStateChangeEvent.class))
                    .extracting(NodeStateChangeEvent::to)
                    .contains(HealthState.UNREACHABLE);
        }
        assertThat(registry.getMeters())
                .as("closing the router removes the meters")
                .extracting(Meter::getId)
                .noneMatch(id ->
                        id.getName().startsWith("pgrouter.") || id.getName().startsWith("hikaricp."));
    }

    @Test
    void theBinderWorksAfterConstructionAndUnbinds() throws Exception {
        try (RoutingDataSource router = Unreachable.router().build()) {
            PgRouterMetrics metrics = new PgRouterMetrics(router, Tags.of("router", "orders"));
            metrics.bindTo(registry);

            assertThat(registry.get(PgRouterMetrics.NODE_STATE)
                            .tags("router", "orders", "node", "replica-2")
                            .gauge()
                            .value())
                    .isEqualTo(4);
            assertThat(registry.find("hikaricp.connections.max")
                            .tag("pool", "pgrouter-primary")
                            .gauge())
                    .as("a pool without a tracker gets one")
                    .isNotNull();
            await("a probe timed after binding", () -> probes("primary", "failure") >= 1);

            metrics.close();
            assertThat(registry.find(PgRouterMetrics.NODE_STATE).gauges()).isEmpty();
            long counted = probes("primary", "failure");
            assertThat(counted).as("unbound timers are gone").isZero();
        }
    }

    @Test
    void aClosedRouterHasNoMetersToBind() {
        RoutingDataSource router = Unreachable.router().build();
        PgRouterMetrics metrics = new PgRouterMetrics(router);
        router.close();

        assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PgRouterMetrics(router)).isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void aRegistryIsRequired() {
        assertThatThrownBy(() -> MicrometerMetrics.of(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("registry");
    }

    @Test
    void healthStatesHaveFixedNumbers() {
        assertThat(List.of(HealthState.values()))
                .extracting(NodeReadings::stateCode)
                .containsExactly(0, 1, 2, 3, 4);
    }
}
