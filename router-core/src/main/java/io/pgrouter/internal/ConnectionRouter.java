package io.pgrouter.internal;

import io.pgrouter.RouteReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Gives a {@link RoutedConnection} its physical connection: decides the route, borrows from the node's pool and,
 * when a replica's pool cannot give one (refused, timed out), tries the next eligible replica and then the
 * primary, all within the same call.
 *
 * <p>A replica whose pool failed because connecting failed (rather than because it was busy) counts against its
 * circuit breaker, which the health monitor's probes feed too; an open breaker keeps reads away until a probe
 * succeeds, so a dead replica costs few connection timeouts rather than one per read.
 */
public final class ConnectionRouter {

    private static final Logger LOG = RouterLog.LOG;

    private final Topology topology;
    private final RouteDecider decider;
    private final Scopes scopes;
    private volatile boolean closed;

    public ConnectionRouter(Topology topology, RouteDecider decider, Scopes scopes) {
        this.topology = topology;
        this.decider = decider;
        this.scopes = scopes;
    }

    public Topology topology() {
        return topology;
    }

    public RouteDecider decider() {
        return decider;
    }

    public Scopes scopes() {
        return scopes;
    }

    /** Refuses new connections from now on. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("RoutingDataSource is closed", "08003");
        }
    }

    /** Routes {@code target} and attaches the physical connection to it. */
    void connect(RoutedConnection target, boolean connectionReadOnly) throws SQLException {
        checkOpen();
        RouteRequest request = scopes.request(connectionReadOnly);
        TopologySnapshot snapshot = topology.current();
        Route route = decider.decide(request, snapshot);
        Connection physical;
        try {
            physical = route.node().borrow();
        } catch (SQLException e) {
            if (route.reason() != RouteReason.REPLICA) {
                throw noConnection(route.node(), e);
            }
            connectAfterFailure(target, request, snapshot, route.node(), e);
            return;
        }
        attach(target, request, route, physical);
    }

    private void attach(RoutedConnection target, RouteRequest request, Route route, Connection physical)
            throws SQLException {
        int slot = route.node().acquired(route.reason(), target);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} connection -> {} ({})", request, route.node().name(), route.reason());
        }
        target.attach(route, physical, request.readIntent(), slot);
    }

    // The slow path: allocation is fine here, a pool has just failed.
    private void connectAfterFailure(RoutedConnection target, RouteRequest request, TopologySnapshot snapshot,
            Node failed, SQLException error) throws SQLException {
        Map<String, String> failures = new LinkedHashMap<>();
        noteFailure(failed, error, failures);
        SQLException last = error;
        List<NodeState> remaining = new ArrayList<>(decider.candidates(request, snapshot));
        remaining.removeIf(state -> state.node() == failed);
        while (!remaining.isEmpty()) {
            NodeState next = decider.pick(remaining);
            remaining.remove(next);
            Connection physical;
            try {
                physical = next.node().borrow();
            } catch (SQLException e) {
                noteFailure(next.node(), e, failures);
                last = e;
                continue;
            }
            attach(target, request, next.node().route(RouteReason.REPLICA), physical);
            return;
        }
        if (!decider.fallbackToPrimary()) {
            throw decider.noEligibleNode(request, snapshot, failures, last);
        }
        Node primary = snapshot.primary().node();
        Connection physical;
        try {
            physical = primary.borrow();
        } catch (SQLException e) {
            SQLException failure = noConnection(primary, e);
            failure.addSuppressed(decider.noEligibleNode(request, snapshot, failures, last));
            throw failure;
        }
        attach(target, request, primary.route(RouteReason.FALLBACK_ACQUIRE_FAILED), physical);
    }

    /**
     * Records why a replica gave no connection. A pool that timed out with a connection failure as cause could
     * not reach its server: skip it for a while. One that timed out without a cause is only busy: the next
     * read may well find a free connection there.
     */
    private void noteFailure(Node node, SQLException e, Map<String, String> failures) {
        Throwable cause = e.getCause();
        String why = "pool " + node.config().poolName() + " gave no connection: " + e.getMessage()
                + (cause != null && cause != e ? " (cause: " + cause.getMessage() + ")" : "");
        failures.put(node.name(), why);
        boolean unreachable = cause != null || !(e instanceof SQLTransientConnectionException);
        if (unreachable) {
            boolean alreadyBackingOff = node.backingOff();
            node.connectFailed(e, why);
            if (!alreadyBackingOff && node.backingOff()) {
                LOG.warn("Replica '{}' cannot be reached; its circuit breaker opened: {}", node.name(), why);
            }
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Replica '{}' gave no connection, trying the next node: {}", node.name(), why);
        }
    }

    private SQLException noConnection(Node node, SQLException e) {
        String message = "Node '" + node.name() + "' (pool " + node.config().poolName() + ") gave no connection: "
                + e.getMessage();
        return e instanceof SQLTransientConnectionException
                ? new SQLTransientConnectionException(message, e.getSQLState(), e)
                : new SQLException(message, e.getSQLState(), e);
    }
}
