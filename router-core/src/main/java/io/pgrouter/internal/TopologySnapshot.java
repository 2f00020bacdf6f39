package io.pgrouter.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Everything the routing path needs to know about the nodes, at one moment; immutable. A new snapshot replaces
 * the old one as a whole (see {@link Topology}), so a decision never sees half an update. The list of eligible
 * replicas is computed once here rather than on every connection.
 */
public final class TopologySnapshot {

    private final NodeState primary;
    private final List<NodeState> replicas;
    private final List<NodeState> eligibleReplicas;
    private final boolean replicasEnabled;

    private TopologySnapshot(NodeState primary, List<NodeState> replicas, boolean replicasEnabled) {
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.eligibleReplicas = this.replicas.stream().filter(NodeState::eligible).toList();
        this.replicasEnabled = replicasEnabled;
    }

    /** A snapshot of these nodes. */
    public static TopologySnapshot of(NodeState primary, List<NodeState> replicas, boolean replicasEnabled) {
        return new TopologySnapshot(primary, replicas, replicasEnabled);
    }

    /** The node writes go to. */
    public NodeState primary() {
        return primary;
    }

    /** Every configured replica, eligible or not, in configuration order. */
    public List<NodeState> replicas() {
        return replicas;
    }

    /** The replicas reads may go to, in configuration order. */
    public List<NodeState> eligibleReplicas() {
        return eligibleReplicas;
    }

    /** Whether the replicas feature flag is on. */
    public boolean replicasEnabled() {
        return replicasEnabled;
    }

    /** All nodes, the primary first. */
    public List<NodeState> nodes() {
        List<NodeState> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    /** This snapshot with the feature flag set. */
    public TopologySnapshot withReplicasEnabled(boolean enabled) {
        return enabled == replicasEnabled ? this : new TopologySnapshot(primary, replicas, enabled);
    }

    /** This snapshot with the named replica's state replaced. */
    public TopologySnapshot withReplica(String name, UnaryOperator<NodeState> change) {
        List<NodeState> changed = new ArrayList<>(replicas);
        for (int i = 0; i < changed.size(); i++) {
            if (changed.get(i).name().equals(name)) {
                changed.set(i, change.apply(changed.get(i)));
                return new TopologySnapshot(primary, changed, replicasEnabled);
            }
        }
        throw new IllegalArgumentException("no replica named '" + name + "'; replicas: "
                + replicas.stream().map(NodeState::name).toList());
    }

    @Override
    public String toString() {
        return "TopologySnapshot[primary=" + primary.name() + ", eligible=" + eligibleReplicas.stream()
                .map(NodeState::name).toList() + ", replicasEnabled=" + replicasEnabled + "]";
    }
}
