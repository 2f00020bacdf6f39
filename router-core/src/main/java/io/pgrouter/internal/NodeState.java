package io.pgrouter.internal;

import io.pgrouter.NodeRole;
import io.pgrouter.ReplicaCandidate;

/**
 * A node as one {@link TopologySnapshot} sees it: immutable, apart from the live in-flight count it reads from
 * its {@link Node}. The health monitor will add its findings (health state, breaker) as further components.
 *
 * @param node the node's runtime: config, pool, counters
 * @param role the role the topology believes the node has
 * @param operatorState drained or not
 * @param lagBytes replication lag in bytes, {@code -1} while unknown
 * @param lagMillis replication lag in milliseconds, {@code -1} while unknown
 */
public record NodeState(Node node, NodeRole role, OperatorState operatorState, long lagBytes, long lagMillis)
        implements ReplicaCandidate {

    /** The state of a node right after configuration: its configured role, active, lag unknown. */
    public static NodeState initial(Node node) {
        return new NodeState(node, node.config().role(), OperatorState.ACTIVE, -1, -1);
    }

    /** Whether reads may be routed here. */
    public boolean eligible() {
        return role == NodeRole.REPLICA && operatorState == OperatorState.ACTIVE;
    }

    /** Why reads may not be routed here, or {@code null} if they may. */
    public String notEligibleReason() {
        if (role != NodeRole.REPLICA) {
            return "is the primary";
        }
        return operatorState == OperatorState.DRAINED ? "drained by an operator" : null;
    }

    /** This state with another operator state. */
    public NodeState withOperatorState(OperatorState state) {
        return new NodeState(node, role, state, lagBytes, lagMillis);
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
}
