package io.pgrouter.internal;

import io.pgrouter.NodeRole;
import io.pgrouter.ReplicaCandidate;
import io.pgrouter.internal.health.NodeHealth;

/**
 * A node as one {@link TopologySnapshot} sees it: immutable, apart from the live in-flight count it reads from
 * its {@link Node}.
 *
 * @param node the node's runtime: config, pool, counters, circuit breaker
 * @param role the role the topology believes the node has: the configured one until the health monitor sees
 *     another node answer as the primary
 * @param operatorState drained or not
 * @param health what the health monitor last found
 */
public record NodeState(Node node, NodeRole role, OperatorState operatorState, NodeHealth health)
        implements ReplicaCandidate {

    /**
     * Probes in a row that must fail before a node that had answered is taken as down: one late probe may be this
     * JVM's fault (a GC pause, a starved CPU), two in a row are the node's.
     */
    public static final int FAILED_PROBES_FOR_DOWN = 2;

    /** The state of a node right after configuration: its configured role, active, not probed yet. */
    public static NodeState initial(Node node) {
        return new NodeState(node, node.config().role(), OperatorState.ACTIVE, NodeHealth.unknown(node.name()));
    }

    /** Whether reads may be routed here (the circuit breaker, which changes between snapshots, is checked apart). */
    public boolean eligible() {
        return role == NodeRole.REPLICA && operatorState == OperatorState.ACTIVE && health.inRotation();
    }

    /** Why reads may not be routed here, or {@code null} if they may. */
    public String notEligibleReason() {
        if (role != NodeRole.REPLICA) {
            return "is the primary";
        }
        if (operatorState == OperatorState.DRAINED) {
            return "drained by an operator";
        }
        return health.inRotation()
                ? null
                : health.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + health.reason();
    }

    /**
     * Why the monitor knows this node is down: it answered once, then {@link #FAILED_PROBES_FOR_DOWN} probes in a row
     * failed, the last one with an answer (refused, reset, shutting down) rather than silence; or, as the primary, it
     * belongs to another cluster (the only reason the monitor gives the primary the state {@code DISCONNECTED});
     * {@code null} otherwise. A node never reached is unknown, not down (its probe may be misconfigured), and a node
     * whose probes time out may only be slow or busy: its pool's own connection timeout bounds the wait for it, and a
     * promotion elsewhere still moves the waiting writes at once.
     */
    public String downReason() {
        if (role == NodeRole.PRIMARY && health.state() == io.pgrouter.HealthState.DISCONNECTED) {
            return health.reason();
        }
        if (health.state() != io.pgrouter.HealthState.UNREACHABLE
                || health.inRecovery() == null
                || health.consecutiveFailures() < FAILED_PROBES_FOR_DOWN
                || health.probeTimedOut()) {
            return null;
        }
        return health.reason() + " (" + health.consecutiveFailures() + " probes in a row)";
    }

    /**
     * Why no new read may be routed here now: {@link #notEligibleReason()}, or else the circuit breaker's back-off
     * after a failure to connect (which changes between snapshots); {@code null} if a read may.
     */
    public String unusableReason() {
        String why = notEligibleReason();
        return why == null && node.backingOff() ? node.backoffReason() : why;
    }

    /** This state with another operator state. */
    public NodeState withOperatorState(OperatorState state) {
        return new NodeState(node, role, state, health);
    }

    /** This state with the monitor's newest finding. */
    public NodeState withHealth(NodeHealth newest) {
        return new NodeState(node, role, operatorState, newest);
    }

    /** This state with another role. */
    public NodeState withRole(NodeRole newRole) {
        return newRole == role ? this : new NodeState(node, newRole, operatorState, health);
    }

    @Override
    public String name() {
        return node.name();
    }

    @Override
    public int weight() {
        return node.config().weight();
    }

    @Override
    public int inFlight() {
        return node.inFlight();
    }

    @Override
    public long lagBytes() {
        return health.lag().bytes();
    }

    @Override
    public long lagMillis() {
        return health.lag().millis();
    }
}
