package io.pgrouter.internal;

import io.pgrouter.LagThresholds;
import io.pgrouter.NodeStatus;
import io.pgrouter.RouteReason;
import io.pgrouter.RouterStatus;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON form of {@link RouterStatus} and {@link NodeStatus}, written with Jackson's streaming generator (which
 * does the escaping). Field names are the record components' names; times are ISO-8601 strings, durations numbers
 * of milliseconds, enums lower case, unknown values {@code null}. The shape is documented in {@code docs/metrics.md}.
 */
public final class StatusJson {

    // Thread-safe once built; generators are cheap, the factory is not.
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private StatusJson() {}

    /**
     * {@code status} as one JSON object.
     *
     * @param cutoverJson the {@code cutover} object, written by the cutover's own writer (a package this one must not
     *     depend on), {@code null} without a cutover target
     */
    public static String of(RouterStatus status, String cutoverJson) {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringProperty("takenAt", iso(status.takenAt()));
            json.writeBooleanProperty("replicasEnabled", status.replicasEnabled());
            json.writeBooleanProperty("fallbackToPrimary", status.fallbackToPrimary());
            json.writeBooleanProperty("forcePrimary", status.forcePrimary());
            json.writeStringProperty("selection", status.selection());
            LagThresholds lag = status.lagThresholds();
            json.writeObjectPropertyStart("lagThresholds");
            json.writeNumberProperty("maxBytes", lag.maxBytes());
            json.writeNumberProperty("maxDelayMillis", lag.maxDelay().toMillis());
            json.writeNumberProperty("rejoinAfter", lag.rejoinAfter());
            json.writeNumberProperty(
                    "primaryAwayMaxDelayMillis", lag.primaryAwayMaxDelay().toMillis());
            json.writeEndObject();
            json.writeArrayPropertyStart("nodes");
            for (NodeStatus node : status.nodes()) {
                write(node, json);
            }
            json.writeEndArray();
            writeSource(status.topologySource(), json);
            json.writeName("cutover");
            if (cutoverJson == null) {
                json.writeNull();
            } else {
                json.writeRawValue(cutoverJson);
            }
            json.writeEndObject();
        }
        return out.toString();
    }

    /** The topology source's last word, {@code null} without a source. */
    private static void writeSource(io.pgrouter.topology.TopologySourceStatus source, JsonGenerator json) {
        if (source == null) {
            json.writeNullProperty("topologySource");
            return;
        }
        json.writeObjectPropertyStart("topologySource");
        json.writeStringProperty("source", source.source());
        json.writeBooleanProperty("reachable", source.reachable());
        json.writeStringProperty("lastAnswer", source.lastAnswer() == null ? null : iso(source.lastAnswer()));
        json.writeStringProperty("lastError", source.lastError());
        json.writeArrayPropertyStart("members");
        for (io.pgrouter.topology.TopologyMember m : source.members()) {
            json.writeStartObject();
            json.writeStringProperty("name", m.name());
            json.writeStringProperty("address", m.address());
            json.writeBooleanProperty("leader", m.leader());
            json.writeBooleanProperty("noLoadBalance", m.noLoadBalance());
            json.writeBooleanProperty("noFailover", m.noFailover());
            json.writeStringProperty("state", m.state());
            json.writeNumberProperty("timeline", m.timeline());
            if (m.lagBytes() < 0) {
                json.writeNullProperty("lagBytes");
            } else {
                json.writeNumberProperty("lagBytes", m.lagBytes());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** {@code node} as one JSON object, the same as in {@link #of(RouterStatus, String)}. */
    public static String of(NodeStatus node) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            write(node, json);
        }
        return out.toString();
    }

    private static void write(NodeStatus node, JsonGenerator json) {
        json.writeStartObject();
        json.writeStringProperty("name", node.name());
        json.writeStringProperty("role", lower(node.role()));
        json.writeStringProperty("state", node.state());
        json.writeBooleanProperty("eligible", node.eligible());
        json.writeStringProperty("notEligibleReason", node.notEligibleReason());
        json.writeNumberProperty("weight", node.weight());
        json.writeNumberProperty("inFlight", node.inFlight());
        json.writeStringProperty("poolName", node.poolName());
        json.writeNumberProperty("activeConnections", node.activeConnections());
        json.writeNumberProperty("idleConnections", node.idleConnections());
        json.writeNumberProperty("totalConnections", node.totalConnections());
        json.writeNumberProperty("threadsAwaitingConnection", node.threadsAwaitingConnection());
        json.writeObjectPropertyStart("routes");
        for (RouteReason reason : RouteReason.values()) {
            json.writeNumberProperty(lower(reason), node.routes(reason));
        }
        json.writeEndObject();
        json.writeNumberProperty("totalRoutes", node.totalRoutes());
        json.writeStringProperty("health", lower(node.health()));
        knownOrNull(json, "lagBytes", node.lagBytes());
        knownOrNull(json, "lagMillis", node.lagMillis());
        json.writeStringProperty("lagBasis", node.lagBasis());
        json.writeBooleanProperty("replayPaused", node.replayPaused());
        json.writeNumberProperty("timeline", node.timeline());
        json.writeStringProperty("breakerState", node.breakerState());
        json.writeStringProperty("lastProbeAt", iso(node.lastProbeAt()));
        if (node.lastProbeAt() == null) {
            json.writeNullProperty("lastProbeMillis");
        } else {
            json.writeNumberProperty("lastProbeMillis", node.lastProbeMillis());
        }
        json.writeEndObject();
    }

    /** -1 means unknown in the records; JSON says so with null. */
    private static void knownOrNull(JsonGenerator json, String name, long value) {
        if (value < 0) {
            json.writeNullProperty(name);
        } else {
            json.writeNumberProperty(name, value);
        }
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT);
    }
}
