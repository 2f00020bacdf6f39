package io.pgrouter;

import java.time.Instant;
import java.util.Map;

/**
 * One node as {@link RoutingDataSource#status()} saw it. Built by the router only; later versions add
 * components (lag, circuit breaker state, probe times), so construct it by name only in tests.
 *
 * @param name the configured name
 * @param role the node's role
 * @param state the operator state: {@code active} or {@code drained}
 * @param eligible whether a read may be routed to the node now (always {@code false} for the primary)
 * @param notEligibleReason why a replica is not eligible, or what is wrong with the primary; {@code null} when nothing is
 * @param weight the configured weight
 * @param inFlight connections the router holds on the node now
 * @param activeConnections the node pool's connections in use
 * @param idleConnections the node pool's idle connections
 * @param totalConnections the node pool's connections, active and idle
 * @param threadsAwaitingConnection threads waiting for a connection from the node's pool
 * @param routes how many connections went to this node, per reason (every reason present, zero included)
 * @param health what the health monitor last concluded
 * @param lagBytes WAL bytes a replica is behind the primary, -1 unknown (and for the primary)
 * @param lagMillis age in ms of the oldest change a replica has not applied, or a bound on it (see {@code lagBasis}),
 *     -1 unknown (and for the primary)
 * @param lagBasis how {@code lagMillis} was found, lower case: {@code wal_history} (measured), {@code
 *     primary_unreachable_bound} (the primary does not answer: a bound from the replica's last known position, and
 *     {@code lagBytes} is unknown), {@code receiver_down_bound} (the replica's WAL receiver does not stream: the
 *     same bound), {@code caught_up}, {@code replay_timestamp}, {@code unknown}; {@code null} for the primary
 * @param replayPaused whether a replica's WAL replay is paused
 * @param timeline the node's timeline, 0 unknown
 * @param breakerState the node's circuit breaker: {@code closed}, {@code open}, {@code half_open}, ...
 * @param lastProbeAt when the node was last probed, {@code null} before the first probe
 * @param lastProbeMillis how long the last probe took, in milliseconds
 */
public record NodeStatus(
        String name,
        NodeRole role,
        String state,
        boolean eligible,
        String notEligibleReason,
        int weight,
        int inFlight,
        int activeConnections,
        int idleConnections,
        int totalConnections,
        int threadsAwaitingConnection,
        Map<RouteReason, Long> routes,
        HealthState health,
        long lagBytes,
        long lagMillis,
        String lagBasis,
        boolean replayPaused,
        long timeline,
        String breakerState,
        Instant lastProbeAt,
        double lastProbeMillis) {

    /** Keeps an unmodifiable copy of the routes. */
    public NodeStatus {
        routes = Map.copyOf(routes);
    }

    /**
     * This node as one JSON object, as it appears in {@link RouterStatus#toJson()}.
     *
     * @throws IllegalStateException without Jackson ({@code tools.jackson.core:jackson-core}, an optional dependency)
     */
    public String toJson() {
        io.pgrouter.internal.OptionalJackson.require("NodeStatus.toJson()");
        return io.pgrouter.internal.StatusJson.of(this);
    }

    /** The node's pool name, {@code pgrouter-<name>}. */
    public String poolName() {
        return "pgrouter-" + name;
    }

    /** Connections routed to this node for {@code reason}. */
    public long routes(RouteReason reason) {
        return routes.getOrDefault(reason, 0L);
    }

    /** Connections routed to this node, all reasons together. */
    public long totalRoutes() {
        return routes.values().stream().mapToLong(Long::longValue).sum();
    }
}
