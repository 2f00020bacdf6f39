package io.pgrouter.internal;

import io.pgrouter.ConsistencyMode;
import io.pgrouter.RouteReason;
import io.pgrouter.internal.causal.CausalScopes;
import io.pgrouter.internal.causal.CausalState;
import io.pgrouter.internal.causal.SessionCell;
import io.pgrouter.internal.causal.WalPosition;
import io.pgrouter.internal.causal.WalQueries;
import io.pgrouter.internal.config.ConsistencySettings;
import io.pgrouter.internal.health.NodeHealth;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * Read-your-writes on the routing path: which replicas may serve a read that carries a session's position, the
 * bounded wait for one to catch up, and the capture of a position after a commit on the primary. The positions
 * and sessions themselves live in {@code internal.causal}.
 *
 * <p>A replica may serve a position when, as the last probe saw it, it belongs to the position's cluster and has
 * replayed at least that WAL position on the same timeline. A position of an older timeline (from before a
 * promotion) is served by the primary: a newer timeline contains it only if it forked after it, which the router
 * does not know. Reading on the primary then moves the session onto the primary's timeline (at the primary's
 * position of its last probe, which the read has certainly seen), so the next reads may use replicas again.
 */
public final class CausalRouting {

    private static final Logger LOG = RouterLog.LOG;
    /** Between two questions to a replica that is catching up: short against a replay that takes milliseconds. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final ConsistencySettings settings;
    private final CausalScopes scopes;
    private final Throttle captureWarnings = new Throttle(TimeUnit.SECONDS.toNanos(10));
    private final Throttle foreignWarnings = new Throttle(TimeUnit.SECONDS.toNanos(10));
    private final LongAdder captures = new LongAdder();
    private final LongAdder captureFailures = new LongAdder();
    private final LongAdder foreignPositions = new LongAdder();
    private final LongAdder observations = new LongAdder();
    private final LongAdder observationFailures = new LongAdder();
    private final LongAdder[] waits = adders(WaitOutcome.values().length);
    private final LongAdder[] waitNanos = adders(WaitOutcome.values().length);

    /** How a read's wait for a replica to catch up with its session's position ended. */
    public enum WaitOutcome {
        /** A replica replayed the position in time and served the read ({@code REPLICA_AFTER_WAIT}). */
        CAUGHT_UP,
        /** None did within {@code max-wait}: the read went to the primary. */
        TIMED_OUT,
        /** The replica gave no connection or its answer failed (or the thread was interrupted): the primary. */
        FAILED
    }

    public CausalRouting(ConsistencySettings settings) {
        this(settings, new CausalScopes());
    }

    /** With the thread bindings of sessions shared with another router's (the one a cutover takes over from). */
    public CausalRouting(ConsistencySettings settings, CausalScopes scopes) {
        this.settings = settings;
        this.scopes = scopes;
    }

    public ConsistencySettings settings() {
        return settings;
    }

    public CausalScopes scopes() {
        return scopes;
    }

    /** Positions captured after commits (exact mode) since start. */
    public long captures() {
        return captures.sum();
    }

    /** Captures that failed (the session then waits for the next probe, as in probe mode) since start. */
    public long captureFailures() {
        return captureFailures.sum();
    }

    /** Positions of another cluster that reads carried (and that were ignored) since start. */
    public long foreignPositions() {
        return foreignPositions.sum();
    }

    /** Reads that waited for a replica to catch up since start, and ended so. */
    public long waits(WaitOutcome outcome) {
        return waits[outcome.ordinal()].sum();
    }

    /** The time those waits took, in nanoseconds, summed. */
    public long waitNanos(WaitOutcome outcome) {
        return waitNanos[outcome.ordinal()].sum();
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** {@code request} with the session bound to this thread, if any. */
    RouteRequest bind(RouteRequest request) {
        SessionCell cell = scopes.current();
        return cell == null ? request : request.withSession(cell);
    }

    /**
     * The route for a read with a session among {@code candidates} (not empty): a replica that has replayed the
     * session's position, the plain {@code REPLICA} route when the session asks nothing, else the primary
     * ({@code PRIMARY_CAUSAL}), which the router may still trade for a replica that catches up within the wait.
     */
    Route decide(SessionCell cell, TopologySnapshot snapshot, List<NodeState> candidates, RouteDecider decider) {
        CausalState state = resolvePending(cell, snapshot);
        if (state.pending()) {
            return snapshot.primary().node().route(RouteReason.PRIMARY_CAUSAL);
        }
        WalPosition position = state.position();
        if (position == null) {
            return decider.pick(candidates).node().route(RouteReason.REPLICA);
        }
        if (foreign(position, snapshot)) {
            return decider.pick(candidates).node().route(RouteReason.REPLICA);
        }
        List<NodeState> caughtUp = caughtUp(position, candidates);
        if (!caughtUp.isEmpty()) {
            return decider.pick(caughtUp).node().route(RouteReason.REPLICA_CAUGHT_UP);
        }
        return snapshot.primary().node().route(RouteReason.PRIMARY_CAUSAL);
    }

    /** Those of {@code candidates} that may serve the session's position; all of them when it asks nothing. */
    List<NodeState> filter(SessionCell cell, TopologySnapshot snapshot, List<NodeState> candidates) {
        CausalState state = cell.state();
        if (state.pending()) {
            return List.of();
        }
        if (state.position() == null || foreign(state.position(), snapshot)) {
            return candidates;
        }
        return caughtUp(state.position(), candidates);
    }

    private static List<NodeState> caughtUp(WalPosition position, List<NodeState> candidates) {
        List<NodeState> caughtUp = new ArrayList<>(candidates.size());
        for (NodeState replica : candidates) {
            NodeHealth h = replica.health();
            if (position.sameSystem(h.systemIdentifier()) && position.reachedBy(h.timeline(), h.walLsn())) {
                caughtUp.add(replica);
            }
        }
        return caughtUp;
    }

    /**
     * Whether a position belongs to another cluster than the primary's: it then says nothing about this one and is
     * ignored (counted, WARN rate-limited). A forged or misdirected token can do no more.
     */
    private boolean foreign(WalPosition position, TopologySnapshot snapshot) {
        long cluster = snapshot.primary().health().systemIdentifier();
        if (position.sameSystem(cluster)) {
            return false;
        }
        foreignPositions.increment();
        if (foreignWarnings.tryPass(System.nanoTime())) {
            LOG.warn(
                    "A read carried a position of another cluster (system identifier {}, this one is {}); it was ignored."
                            + " Ignored so far: {} (this message at most once per 10 s)",
                    Long.toUnsignedString(position.systemIdentifier()),
                    Long.toUnsignedString(cluster),
                    foreignPositions.sum());
        }
        return true;
    }

    /**
     * Probe mode: a commit waiting for its position gets the primary's position from the first probe sent after
     * it, once the snapshot has that probe.
     */
    private static CausalState resolvePending(SessionCell cell, TopologySnapshot snapshot) {
        CausalState state = cell.state();
        if (!state.pending()) {
            return state;
        }
        WalPosition primaryPosition = primaryPosition(snapshot);
        if (primaryPosition == null) {
            return state;
        }
        long probed = snapshot.primary().health().lastProbeNanos();
        return cell.update(s -> s.resolve(primaryPosition, probed));
    }

    /** Where the last probe found the primary, or {@code null} when it did not answer. */
    private static WalPosition primaryPosition(TopologySnapshot snapshot) {
        NodeHealth h = snapshot.primary().health();
        if (!h.inRotation() || h.walLsn() < 0 || h.timeline() < 1) {
            return null;
        }
        return new WalPosition(h.systemIdentifier(), h.timeline(), h.walLsn());
    }

    /**
     * After a read with a session went to the primary: a position on an older timeline than the primary's moves to
     * the primary's, at its last probed position (which this read sees), so that the session's next reads can use
     * the replicas that follow the new primary.
     */
    void readOnPrimary(SessionCell cell, TopologySnapshot snapshot) {
        WalPosition position = cell.state().position();
        WalPosition primary = primaryPosition(snapshot);
        if (position != null
                && primary != null
                && position.sameSystem(primary.systemIdentifier())
                && position.timeline() < primary.timeline()) {
            cell.merge(primary);
        }
    }

    /** Whether a read routed to the primary for its position may wait for a replica instead. */
    boolean mayWait(RouteRequest request) {
        return request.session() != null
                && !settings.maxWait().isZero()
                && !request.session().state().pending();
    }

    /** A replica connection whose server has replayed the position. */
    record CaughtUp(NodeState replica, Connection connection) {}

    /**
     * Waits up to {@code max-wait} for one of {@code candidates} to replay the session's position: borrows a
     * connection from the one closest to it (same cluster and timeline, highest replay position) and asks it
     * directly, every 2 ms, rather than waiting for the next probe round. The connection that
     * saw the position serves the read. {@code null} when none caught up in time, or the replica gave no connection.
     */
    CaughtUp awaitReplica(RouteRequest request, TopologySnapshot snapshot, List<NodeState> candidates) {
        WalPosition position = request.session().state().position();
        if (position == null) {
            return null;
        }
        NodeState closest = null;
        for (NodeState replica : candidates) {
            NodeHealth h = replica.health();
            if (h.timeline() == position.timeline()
                    && position.sameSystem(h.systemIdentifier())
                    && (closest == null
                            || Long.compareUnsigned(h.walLsn(), closest.health().walLsn()) > 0)) {
                closest = replica;
            }
        }
        if (closest == null) {
            return null;
        }
        long started = System.nanoTime();
        WaitOutcome outcome = WaitOutcome.FAILED;
        try {
            CaughtUp caughtUp = pollUntilReplayed(
                    closest, position, snapshot, started + settings.maxWait().toNanos());
            outcome = caughtUp != null ? WaitOutcome.CAUGHT_UP : WaitOutcome.TIMED_OUT;
            return caughtUp;
        } catch (SQLException e) {
            LOG.debug("Waiting on replica '{}' for a position failed: {}", closest.name(), e.getMessage());
            return null;
        } finally {
            waits[outcome.ordinal()].increment();
            waitNanos[outcome.ordinal()].add(System.nanoTime() - started);
        }
    }

    /**
     * Asks {@code replica} for its replay position until it reached {@code position} (its connection then serves the
     * read) or the deadline passed ({@code null}).
     *
     * @throws SQLException when the replica gave no connection or failed to answer, or the thread was interrupted
     */
    private static CaughtUp pollUntilReplayed(
            NodeState replica, WalPosition position, TopologySnapshot snapshot, long deadline) throws SQLException {
        Connection c = replica.node().borrow();
        try {
            while (true) {
                WalQueries.Reading r = WalQueries.replayPosition(c);
                // Without the right to read received_tli, the probe's timeline stands in (see docs/consistency.md).
                // Only while no promotion is known, so that a timeline switch between two probes cannot slip through.
                long timeline = r.timeline() != 0
                        ? r.timeline()
                        : snapshot.primary().health().timeline() == position.timeline()
                                ? replica.health().timeline()
                                : 0;
                if (position.reachedBy(timeline, r.lsn())) {
                    CaughtUp caughtUp = new CaughtUp(replica, c);
                    c = null;
                    return caughtUp;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                LockSupport.parkNanos(Math.min(left, POLL_NANOS));
                if (Thread.currentThread().isInterrupted()) {
                    throw new SQLException("interrupted while waiting for the replica to replay a position");
                }
            }
        } finally {
            if (c != null) {
                closeQuietly(c);
            }
        }
    }

    /**
     * After a commit on the primary (or the close of a connection that ran auto-commit statements there): exact
     * mode asks the primary for its position on {@code physical}; probe mode notes that a commit awaits the next
     * probe. A capture that fails falls back to the probe way, so the guarantee holds (the reads go to the primary
     * until the next probe).
     */
    void committed(SessionCell cell, Connection physical, Node node, Topology topology) {
        if (settings.mode() == ConsistencyMode.PROBE) {
            cell.update(s -> s.pendingAt(System.nanoTime()));
            return;
        }
        long system = systemIdentifier(node, topology.current());
        try {
            cell.merge(WalQueries.primaryPosition(physical, system));
            captures.increment();
        } catch (SQLException | RuntimeException e) {
            cell.update(s -> s.pendingAt(System.nanoTime()));
            captureFailures.increment();
            if (captureWarnings.tryPass(System.nanoTime())) {
                LOG.warn(
                        "Could not read the WAL position after a commit on '{}' ({}); this session's reads go to the"
                                + " primary until its next probe. Failures so far: {} (this message at most once per 10 s)",
                        node.name(),
                        e.getMessage(),
                        captureFailures.sum());
            }
        }
    }

    /**
     * Monotonic reads: after a read of a session on {@code node}, merges into the session a position the node had
     * certainly reached when the read's last statement ran: asked on {@code physical} after it (a replica's replay
     * position, the primary's insert position), so it covers every commit the read could see. When the node cannot be
     * asked ({@code physical} {@code null}, or the query fails), the session waits for the primary's next probe, as
     * after a failed capture: the primary is then at least as far as any replica was during the read.
     */
    void readFinished(SessionCell cell, Connection physical, Node node, Topology topology) {
        TopologySnapshot snapshot = topology.current();
        NodeState state = stateOf(node, snapshot);
        try {
            if (physical == null || state == null) {
                throw new SQLException("the node could not be asked for its position");
            }
            long system = state.health().systemIdentifier();
            if (state.node() == snapshot.primary().node()) {
                cell.merge(WalQueries.primaryPosition(physical, system));
            } else {
                WalQueries.Reading r = WalQueries.replayPosition(physical);
                // Without the right to read received_tli, the probe's timeline stands in (see docs/consistency.md).
                long timeline =
                        r.timeline() != 0 ? r.timeline() : state.health().timeline();
                if (r.lsn() < 0 || timeline < 1) {
                    throw new SQLException("replica '" + node.name() + "' reported no replay position", "55000");
                }
                cell.merge(new WalPosition(system, timeline, r.lsn()));
            }
            observations.increment();
        } catch (SQLException | RuntimeException e) {
            cell.update(s -> s.pendingAt(System.nanoTime()));
            observationFailures.increment();
            if (captureWarnings.tryPass(System.nanoTime())) {
                LOG.warn(
                        "Could not read how far '{}' had got after a read ({}); this session's reads go to the primary"
                                + " until its next probe. Failures so far: {} (this message at most once per 10 s)",
                        node.name(),
                        e.getMessage(),
                        observationFailures.sum());
            }
        }
    }

    /** Positions learned from reads (monotonic reads) since start. */
    public long observations() {
        return observations.sum();
    }

    /** Reads whose node could not tell its position (the session then waits for the next probe) since start. */
    public long observationFailures() {
        return observationFailures.sum();
    }

    private static NodeState stateOf(Node node, TopologySnapshot snapshot) {
        for (NodeState state : snapshot.nodes()) {
            if (state.node() == node) {
                return state;
            }
        }
        return null;
    }

    private static long systemIdentifier(Node node, TopologySnapshot snapshot) {
        NodeState state = stateOf(node, snapshot);
        return state == null ? 0 : state.health().systemIdentifier();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // handed back either way
        }
    }
}
