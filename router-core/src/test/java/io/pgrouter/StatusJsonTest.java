package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StatusJsonTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static Map<RouteReason, Long> routes(long replica, long write) {
        Map<RouteReason, Long> routes = new EnumMap<>(RouteReason.class);
        for (RouteReason reason : RouteReason.values()) {
            routes.put(reason, 0L);
        }
        routes.put(RouteReason.REPLICA, replica);
        routes.put(RouteReason.PRIMARY_WRITE, write);
        return routes;
    }

    private static RouterStatus status() {
        NodeStatus primary = new NodeStatus(
                "primary",
                NodeRole.PRIMARY,
                "active",
                false,
                null,
                1,
                2,
                2,
                3,
                5,
                0,
                routes(0, 42),
                HealthState.HEALTHY,
                -1,
                -1,
                null,
                false,
                1,
                "closed",
                Instant.parse("2026-01-02T03:04:05.123Z"),
                1.5);
        NodeStatus replica = new NodeStatus(
                "db \"east\"\n",
                NodeRole.REPLICA,
                "drained",
                false,
                "drained by an operator",
                3,
                0,
                0,
                1,
                1,
                0,
                routes(7, 0),
                HealthState.LAGGING,
                -1,
                2500,
                "primary_unreachable_bound",
                true,
                1,
                "half_open",
                null,
                0);
        return new RouterStatus(
                Instant.parse("2026-01-02T03:04:06Z"),
                true,
                true,
                false,
                "least-in-flight",
                new LagThresholds(1024, Duration.ofSeconds(5), 3),
                List.of(primary, replica));
    }

    @Test
    void everyRouterFieldIsThere() {
        JsonNode json = MAPPER.readTree(status().toJson());

        assertThat(json.get("takenAt").asString()).isEqualTo("2026-01-02T03:04:06Z");
        assertThat(json.get("replicasEnabled").asBoolean()).isTrue();
        assertThat(json.get("fallbackToPrimary").asBoolean()).isTrue();
        assertThat(json.get("forcePrimary").asBoolean()).isFalse();
        assertThat(json.get("selection").asString()).isEqualTo("least-in-flight");
        assertThat(json.get("lagThresholds").get("maxBytes").asLong()).isEqualTo(1024);
        assertThat(json.get("lagThresholds").get("maxDelayMillis").asLong()).isEqualTo(5000);
        assertThat(json.get("lagThresholds").get("rejoinAfter").asInt()).isEqualTo(3);
        assertThat(json.get("lagThresholds").get("primaryAwayMaxDelayMillis").asLong())
                .isEqualTo(60_000);
        assertThat(json.get("nodes")).hasSize(2);
        assertThat(json.propertyNames())
                .hasSize(RouterStatus.class.getRecordComponents().length)
                .containsExactly(
                        "takenAt",
                        "replicasEnabled",
                        "fallbackToPrimary",
                        "forcePrimary",
                        "selection",
                        "lagThresholds",
                        "nodes",
                        "topologySource",
                        "cutover");
        assertThat(json.get("topologySource").isNull()).isTrue();
        assertThat(json.get("cutover").isNull()).isTrue();
    }

    @Test
    void theCutoverShowsTheLastReadinessWithItsReasonsTablesAndLag() {
        io.pgrouter.cutover.ReadinessReport readiness = new io.pgrouter.cutover.ReadinessReport(
                Instant.parse("2026-01-02T03:04:05Z"),
                io.pgrouter.cutover.ReadinessReport.Light.RED,
                List.of("subscription up is disabled"),
                "up",
                false,
                false,
                "0/3000148",
                "0/3000000",
                328,
                Duration.ofMillis(1500),
                false,
                Duration.ZERO,
                List.of(new io.pgrouter.cutover.ReadinessReport.Table(
                        "public",
                        "orders",
                        io.pgrouter.cutover.ReadinessReport.SyncState.READY,
                        new io.pgrouter.cutover.ReadinessReport.RowCount(
                                120, io.pgrouter.cutover.ReadinessReport.RowCount.Kind.EXACT),
                        new io.pgrouter.cutover.ReadinessReport.RowCount(
                                118, io.pgrouter.cutover.ReadinessReport.RowCount.Kind.EXACT))));
        RouterStatus status = status().withCutover(new CutoverStatus(
                "pg18", List.of("pg18", "pg18-r"), true, Duration.ofSeconds(5), readiness, null));

        JsonNode cutover = MAPPER.readTree(status.toJson()).get("cutover");

        assertThat(cutover.propertyNames())
                .containsExactly("target", "targetNodes", "pending", "checkIntervalMillis", "readiness", "lastCutover");
        assertThat(cutover.get("target").asString()).isEqualTo("pg18");
        assertThat(cutover.get("targetNodes").get(1).asString()).isEqualTo("pg18-r");
        assertThat(cutover.get("pending").asBoolean()).isTrue();
        assertThat(cutover.get("checkIntervalMillis").asLong()).isEqualTo(5000);
        // The readiness report as its own toJson() has it.
        assertThat(cutover.get("readiness")).isEqualTo(MAPPER.readTree(readiness.toJson()));
        assertThat(cutover.get("readiness").get("light").asString()).isEqualTo("red");
        assertThat(cutover.get("readiness").get("reasons").get(0).asString()).isEqualTo("subscription up is disabled");
        assertThat(cutover.get("readiness").get("tables").get(0).get("rowDelta").asLong())
                .isEqualTo(2);
        assertThat(cutover.get("lastCutover").isNull()).isTrue();
        assertThat(status.cutover().light()).isEqualTo(io.pgrouter.cutover.ReadinessReport.Light.RED);
    }

    @Test
    void theTopologySourceSaysWhatItLastListedAndWhetherItAnswers() {
        RouterStatus status = status().withTopologySource(new io.pgrouter.topology.TopologySourceStatus(
                "patroni [http://10.0.0.1:8008]",
                false,
                Instant.parse("2026-01-02T03:04:05Z"),
                "HTTP 503",
                java.util.List.of(new io.pgrouter.topology.TopologyMember(
                        "pg2", "10.0.0.2", 5432, false, false, true, "streaming", 3, 120))));
        JsonNode source = MAPPER.readTree(status.toJson()).get("topologySource");

        assertThat(source.get("source").asString()).isEqualTo("patroni [http://10.0.0.1:8008]");
        assertThat(source.get("reachable").asBoolean()).isFalse();
        assertThat(source.get("lastAnswer").asString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(source.get("lastError").asString()).isEqualTo("HTTP 503");
        JsonNode member = source.get("members").get(0);
        assertThat(member.get("name").asString()).isEqualTo("pg2");
        assertThat(member.get("address").asString()).isEqualTo("10.0.0.2:5432");
        assertThat(member.get("noFailover").asBoolean()).isTrue();
        assertThat(member.get("state").asString()).isEqualTo("streaming");
        assertThat(member.get("timeline").asLong()).isEqualTo(3);
        assertThat(member.get("lagBytes").asLong()).isEqualTo(120);
    }

    @Test
    void everyNodeFieldIsThere() {
        JsonNode primary = MAPPER.readTree(status().toJson()).get("nodes").get(0);

        assertThat(primary.get("name").asString()).isEqualTo("primary");
        assertThat(primary.get("role").asString()).isEqualTo("primary");
        assertThat(primary.get("state").asString()).isEqualTo("active");
        assertThat(primary.get("eligible").asBoolean()).isFalse();
        assertThat(primary.get("notEligibleReason").isNull()).isTrue();
        assertThat(primary.get("weight").asInt()).isEqualTo(1);
        assertThat(primary.get("inFlight").asInt()).isEqualTo(2);
        assertThat(primary.get("poolName").asString()).isEqualTo("pgrouter-primary");
        assertThat(primary.get("activeConnections").asInt()).isEqualTo(2);
        assertThat(primary.get("idleConnections").asInt()).isEqualTo(3);
        assertThat(primary.get("totalConnections").asInt()).isEqualTo(5);
        assertThat(primary.get("threadsAwaitingConnection").asInt()).isZero();
        assertThat(primary.get("routes").get("primary_write").asLong()).isEqualTo(42);
        assertThat(primary.get("routes").propertyNames()).hasSize(RouteReason.values().length);
        assertThat(primary.get("totalRoutes").asLong()).isEqualTo(42);
        assertThat(primary.get("health").asString()).isEqualTo("healthy");
        assertThat(primary.get("lagBytes").isNull())
                .as("unknown is null, not -1")
                .isTrue();
        assertThat(primary.get("lagMillis").isNull()).isTrue();
        assertThat(primary.get("lagBasis").isNull()).isTrue();
        assertThat(primary.get("replayPaused").asBoolean()).isFalse();
        assertThat(primary.get("timeline").asLong()).isEqualTo(1);
        assertThat(primary.get("breakerState").asString()).isEqualTo("closed");
        assertThat(primary.get("lastProbeAt").asString()).isEqualTo("2026-01-02T03:04:05.123Z");
        assertThat(primary.get("lastProbeMillis").asDouble()).isEqualTo(1.5);
        // A component added to the record later must show up here too.
        List<String> components = Arrays.stream(NodeStatus.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
        assertThat(primary.propertyNames()).containsAll(components).hasSize(components.size() + 2);
    }

    @Test
    void stringsAreEscapedAndUnknownsAreNull() {
        String text = status().toJson();
        JsonNode replica = MAPPER.readTree(text).get("nodes").get(1);

        assertThat(replica.get("name").asString()).isEqualTo("db \"east\"\n");
        assertThat(replica.get("notEligibleReason").asString()).isEqualTo("drained by an operator");
        assertThat(replica.get("lagBytes").isNull())
                .as("bytes unknown while the primary does not answer")
                .isTrue();
        assertThat(replica.get("lagMillis").asLong()).as("the bound").isEqualTo(2500);
        assertThat(replica.get("lagBasis").asString()).isEqualTo("primary_unreachable_bound");
        assertThat(replica.get("replayPaused").asBoolean()).isTrue();
        assertThat(replica.get("health").asString()).isEqualTo("lagging");
        assertThat(replica.get("breakerState").asString()).isEqualTo("half_open");
        assertThat(replica.get("lastProbeAt").isNull()).isTrue();
        assertThat(replica.get("lastProbeMillis").isNull()).isTrue();
        assertThat(text).doesNotContain("\n");
    }

    @Test
    void aNodeAloneReadsAsInTheWhole() {
        RouterStatus status = status();
        assertThat(MAPPER.readTree(status.primary().toJson()))
                .isEqualTo(MAPPER.readTree(status.toJson()).get("nodes").get(0));
    }
}
