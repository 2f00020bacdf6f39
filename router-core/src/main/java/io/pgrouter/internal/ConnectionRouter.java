package io.pgrouter.internal;

import io.pgrouter.RouteReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    /** Waits ended by the monitor after which a connection gives up: the primary cannot change this often. */
    private static final int MAX_REDIRECTS = 3;

    private final Topology topology;
    private final RouteDecider decider;
    private final Scopes scopes;
    private final boolean retryReads;
    private final WriteGate writeGate = new WriteGate();
    private volatile boolean closed;
    private volatile PrimaryDownWait primaryDownWait = PrimaryDownWait.NONE;
    /** The router that took over from this one in a cutover to another cluster; {@code null} before. */
    private volatile ConnectionRouter successor;

    /** A router that runs a broken read again elsewhere (see {@link #connectAgain}). */
    public ConnectionRouter(Topology topology, RouteDecider decider, Scopes scopes) {
        this(topology, decider, scopes, true);
    }

    /** @param retryReads whether a read whose first statement broke runs again elsewhere ({@link #connectAgain}) */
    public ConnectionRouter(Topology topology, RouteDecider decider, Scopes scopes, boolean retryReads) {
        this.topology = topology;
        this.decider = decider;
        this.scopes = scopes;
        this.retryReads = retryReads;
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

    /** Whether a read whose first statement broke before returning anything runs again on another node. */
    public boolean retryReads() {
        return retryReads;
    }

    /** Holds new connections to the primary while a switchover moves it. */
    public WriteGate writeGate() {
        return writeGate;
    }

    /**
     * Hands this router's connections over to {@code next}, the router of another cluster after a cutover: every
     * connection not yet on a node (those handed out before, those held by the write gate) routes there from now on,
     * even once this router is closed. Connections already on a node here finish here.
     */
    public void handOver(ConnectionRouter next) {
        successor = next;
        writeGate.retire();
    }

    /**
     * Lets connections that must be on the primary, and find it known down, ask for a probe round and wait for it
     * (bounded) instead of failing at once.
     */
    void awaitRoundsWhenPrimaryDown(PrimaryDownWait wait) {
        this.primaryDownWait = wait;
    }

    /** Refuses new connections from now on. */
    public void close() {
        closed = true;
        writeGate.retire(); // a write held by a signal fails now as closed, not at the signal's deadline
    }

    public boolean isClosed() {
        return closed;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("RoutingDataSource is closed", "08003");
        }
    }

    /**
     * Routes {@code target} and attaches the physical connection to it. A wait for a primary connection that the
     * monitor ends (the primary changed or is known down) routes again on the newest snapshot, a few times at most.
     * A connection routed to the primary while the {@link WriteGate} is closed waits there, then routes again.
     */
    void connect(RoutedConnection target, boolean connectionReadOnly) throws SQLException {
        if (handedOver(target)) {
            successor.connect(target, connectionReadOnly);
            return;
        }
        checkOpen();
        RouteRequest request = decider.causal().bind(scopes.request(connectionReadOnly));
        for (int redirects = 0; ; ) {
            if (handedOver(target)) {
                // Held by the gate while a cutover swapped the cluster: the write goes to the new one.
                successor.connect(target, connectionReadOnly);
                return;
            }
            TopologySnapshot snapshot = topology.current();
            Route route = decider.decide(request, snapshot);
            if (!route.reason().toReplica() && !writeGate.isOpen()) {
                writeGate.awaitOpen(); // a switchover moves the primary: route again on the snapshot it leaves
                continue;
            }
            try {
                if (route.reason() == RouteReason.PRIMARY_CAUSAL && connectAfterWait(target, request, snapshot)) {
                    return;
                }
                if (route.reason().toReplica()) {
                    connectToReplica(target, request, snapshot, route);
                } else {
                    connectToPrimary(target, request, route.reason(), snapshot, null);
                    if (route.reason() == RouteReason.PRIMARY_CAUSAL) {
                        decider.causal().readOnPrimary(request.session(), snapshot);
                    }
                }
                return;
            } catch (BorrowWaiters.Redirected r) {
                if (redirects++ == MAX_REDIRECTS) {
                    throw new SQLTransientConnectionException(
                            "No connection: the primary changed " + redirects + " times while waiting for one; last: "
                                    + r.getMessage(),
                            "08001");
                }
                if (LOG.isDebugEnabled()) {
                    LOG.debug(
                            "{} connection: wait on '{}' ended ({}); routing again",
                            request,
                            route.node().name(),
                            r.getMessage());
                }
            }
        }
    }

    /** Whether a successor took over; if so, {@code target} now belongs to it. */
    private boolean handedOver(RoutedConnection target) {
        ConnectionRouter next = successor;
        if (next == null) {
            return false;
        }
        target.handOver(next);
        return true;
    }

    private void connectToReplica(RoutedConnection target, RouteRequest request, TopologySnapshot snapshot, Route route)
            throws SQLException, BorrowWaiters.Redirected {
        Connection physical;
        try {
            physical = route.node().borrow();
        } catch (SQLException e) {
            connectAfterFailure(target, request, snapshot, route, e);
            return;
        }
        attach(target, request, route, physical);
    }

    /** A read whose session's position no replica was known to have: a replica that catches up within the wait. */
    private boolean connectAfterWait(RoutedConnection target, RouteRequest request, TopologySnapshot snapshot)
            throws SQLException {
        CausalRouting causal = decider.causal();
        if (!causal.mayWait(request)) {
            return false;
        }
        CausalRouting.CaughtUp caughtUp =
                causal.awaitReplica(request, snapshot, decider.waitCandidates(request, snapshot));
        if (caughtUp == null) {
            return false;
        }
        attach(target, request, caughtUp.replica().node().route(RouteReason.REPLICA_AFTER_WAIT), caughtUp.connection());
        return true;
    }

    /** A commit on the primary by a connection of a causal session: the session learns the position. */
    void committed(RouteRequest request, Connection physical, Node node) {
        decider.causal().committed(request.session(), physical, node, topology);
    }

    /**
     * Monotonic reads: a read of a causal session ended on {@code node}; the session learns how far the node had got
     * ({@code physical} {@code null}: it could not be asked).
     */
    void readFinished(RouteRequest request, Connection physical, Node node) {
        decider.causal().readFinished(request.session(), physical, node, topology);
    }

    /**
     * Borrows from the primary of {@code snapshot}: at once a clear error when the monitor knows it is down, else a
     * wait in its pool that the monitor can end.
     */
    private void connectToPrimary(
            RoutedConnection target,
            RouteRequest request,
            RouteReason reason,
            TopologySnapshot snapshot,
            SQLException replicaFailures)
            throws SQLException, BorrowWaiters.Redirected {
        NodeState primary = snapshot.primary();
        Node node = primary.node();
        String down = primary.downReason();
        Connection physical;
        try {
            if (down != null) {
                if (mustBeOnPrimary(reason)) {
                    awaitNewPrimary(snapshot, reason);
                }
                throw new SQLTransientConnectionException(
                        "Primary '" + node.name() + "' is down: " + down + "; no other node answered as the primary"
                                + " within "
                                + TimeUnit.NANOSECONDS.toMillis(primaryDownWait.waitNanos()) + " ms",
                        "08001");
            }
            physical = node.borrowAsPrimary();
        } catch (SQLException e) {
            SQLException failure = down != null ? e : noConnection(node, e);
            if (replicaFailures != null) {
                failure.addSuppressed(replicaFailures);
            }
            throw failure;
        }
        attach(target, request, node.route(reason), physical);
    }

    /** Whether a connection routed for {@code reason} can go nowhere but the primary (a fallback read can fail). */
    private static boolean mustBeOnPrimary(RouteReason reason) {
        return reason == RouteReason.PRIMARY_WRITE
                || reason == RouteReason.PRIMARY_FORCED
                || reason == RouteReason.PRIMARY_CAUSAL;
    }

    /**
     * A connection that must be on the primary found it known down: waits (bounded) for a probe round that shows a
     * primary again, and routes again on it; returns when none did.
     */
    private void awaitNewPrimary(TopologySnapshot snapshot, RouteReason reason)
            throws SQLException, BorrowWaiters.Redirected {
        TopologySnapshot newer;
        try {
            newer = primaryDownWait.await(topology, snapshot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException(
                    "Interrupted while waiting for a primary: '"
                            + snapshot.primary().name() + "' is down",
                    "08001",
                    e);
        }
        if (newer != null) {
            throw new BorrowWaiters.Redirected("'" + newer.primary().name() + "' answers as the primary");
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} connection: primary '{}' still down after the wait",
                    reason,
                    snapshot.primary().name());
        }
    }

    private void attach(RoutedConnection target, RouteRequest request, Route route, Connection physical)
            throws SQLException {
        if (request.session() != null) {
            if (!request.readIntent()) {
                target.captureFor(request);
            } else if (decider.causal().settings().monotonicReads()) {
                target.observeFor(request);
            }
        }
        int slot = route.node().acquired(route.reason(), target);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} connection -> {} ({})", request, route.node().name(), route.reason());
        }
        target.attach(route, physical, request, slot);
    }

    // The slow path: allocation is fine here, a pool has just failed.
    private void connectAfterFailure(
            RoutedConnection target,
            RouteRequest request,
            TopologySnapshot snapshot,
            Route failedRoute,
            SQLException error)
            throws SQLException, BorrowWaiters.Redirected {
        Node failed = failedRoute.node();
        Map<String, String> failures = new LinkedHashMap<>();
        noteFailure(failed, error, failures);
        connectElsewhere(
                target,
                request,
                snapshot,
                failed,
                failures,
                error,
                failedRoute.reason(),
                RouteReason.FALLBACK_ACQUIRE_FAILED);
    }

    /**
     * Routes {@code target} again after the first statement of its read broke on {@code failed} before anything came
     * back ({@link RoutedConnection#rerouteAfter}): another eligible replica (reason
     * {@link RouteReason#REPLICA_RETRIED}), else the primary unless fallback is off or the primary is the node that
     * failed ({@link RouteReason#FALLBACK_RETRIED}).
     *
     * @throws SQLException when no node could take the read
     */
    void connectAgain(RoutedConnection target, RouteRequest request, Node failed, SQLException error)
            throws SQLException {
        if (handedOver(target)) {
            successor.connectAgain(target, request, failed, error);
            return;
        }
        checkOpen();
        TopologySnapshot snapshot = topology.current();
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put(failed.name(), "its connection broke: " + error.getMessage());
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} connection: first statement on '{}' broke before returning anything (SQLSTATE {}: {});"
                            + " running it again on another node",
                    request,
                    failed.name(),
                    error.getSQLState(),
                    error.getMessage());
        }
        try {
            connectElsewhere(
                    target,
                    request,
                    snapshot,
                    failed,
                    failures,
                    error,
                    RouteReason.REPLICA_RETRIED,
                    RouteReason.FALLBACK_RETRIED);
        } catch (BorrowWaiters.Redirected r) {
            throw new SQLTransientConnectionException(
                    "No connection to run the read again: the primary changed while" + " waiting for one: "
                            + r.getMessage(),
                    "08001");
        }
    }

    /**
     * Tries the request's other eligible replicas in the selector's order, then the primary (unless fallback is off,
     * or the primary is {@code failed}); {@code failures} collects why each could not serve.
     */
    private void connectElsewhere(
            RoutedConnection target,
            RouteRequest request,
            TopologySnapshot snapshot,
            Node failed,
            Map<String, String> failures,
            SQLException error,
            RouteReason onReplica,
            RouteReason onPrimary)
            throws SQLException, BorrowWaiters.Redirected {
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
            attach(target, request, next.node().route(onReplica), physical);
            return;
        }
        if (!decider.fallbackToPrimary() || snapshot.primary().node() == failed) {
            throw decider.noEligibleNode(request, snapshot, failures, last);
        }
        connectToPrimary(
                target, request, onPrimary, snapshot, decider.noEligibleNode(request, snapshot, failures, last));
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
