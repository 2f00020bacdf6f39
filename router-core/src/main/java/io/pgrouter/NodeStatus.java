package io.pgrouter;

import java.util.Map;

/**
 * One node as {@link RoutingDataSource#status()} saw it. Built by the router only; later versions add
 * components (lag, circuit breaker state, probe times), so construct it by name only in tests.
 *
 * @param name the configured name
 * @param role the node's role
 * @param state the operator state: {@code active} or {@code drained}
 * @param eligible whether a read may be routed to the node now (always {@code false} for the primary)
 * @param notEligibleReason why a replica is not eligible, or {@code null}
 * @param weight the configured weight
 * @param inFlight connections the router holds on the node now
 * @param activeConnections the node pool's connections in use
 * @param idleConnections the node pool's idle connections
 * @param totalConnections the node pool's connections, active and idle
 * @param threadsAwaitingConnection threads waiting for a connection from the node's pool
 * @param routes how many connections went to this node, per reason (every reason present, zero included)
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
        Map<RouteReason, Long> routes) {

    public NodeStatus {
        routes = Map.copyOf(routes);
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
