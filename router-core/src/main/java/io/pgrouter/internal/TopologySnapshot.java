package io.pgrouter.internal;

import io.pgrouter.NodeRole;
import io.pgrouter.UnknownNodeException;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.NodeHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final boolean forcePrimary;

    private TopologySnapshot(
            NodeState primary, List<NodeState> replicas, boolean replicasEnabled, boolean forcePrimary) {
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.eligibleReplicas =
                this.replicas.stream().filter(NodeState::eligible).toList();
        this.replicasEnabled = replicasEnabled;
        this.forcePrimary = forcePrimary;
    }

    /** A snapshot of these nodes. */
    public static TopologySnapshot of(NodeState primary, List<NodeState> replicas, boolean replicasEnabled) {
        return new TopologySnapshot(primary, replicas, replicasEnabled, false);
    }

    /** The node writes go to. */
    public NodeState primary() {
        return primary;
    }

    /** Every other node, eligible or not, in configuration order. */
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

    /** Whether an operator sends every connection to the primary. */
    public boolean forcePrimary() {
        return forcePrimary;
    }

    /** All nodes, the primary first. */
    public List<NodeState> nodes() {
        List<NodeState> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    /** The node with this name. */
    public NodeState node(String name) {
        NodeState found = find(name);
        if (found != null) {
            return found;
        }
        throw UnknownNodeException.node(
                name, nodes().stream().map(NodeState::name).toList());
    }

    /** The node with this name, or {@code null} when the snapshot holds none (it was removed, say). */
    public NodeState find(String name) {
        if (primary.name().equals(name)) {
            return primary;
        }
        for (NodeState replica : replicas) {
            if (replica.name().equals(name)) {
                return replica;
            }
        }
        return null;
    }

    /** This snapshot with one more replica, after the others. */
    public TopologySnapshot withReplicaAdded(NodeState replica) {
        if (find(replica.name()) != null) {
            throw new IllegalArgumentException("node '" + replica.name() + "' is already in the topology");
        }
        List<NodeState> more = new ArrayList<>(replicas);
        more.add(replica);
        return new TopologySnapshot(primary, more, replicasEnabled, forcePrimary);
    }

    /**
     * This snapshot without the named replica: no new connection is routed there.
     *
     * @throws IllegalArgumentException if it is the primary
     */
    public TopologySnapshot withoutReplica(String name) {
        if (primary.name().equals(name)) {
            throw new IllegalArgumentException("node '" + name + "' is the primary: it cannot be removed");
        }
        List<NodeState> fewer = new ArrayList<>(replicas);
        fewer.removeIf(r -> r.name().equals(name));
        return fewer.size() == replicas.size()
                ? this
                : new TopologySnapshot(primary, fewer, replicasEnabled, forcePrimary);
    }

    /** This snapshot with the feature flag set. */
    public TopologySnapshot withReplicasEnabled(boolean enabled) {
        return enabled == replicasEnabled ? this : new TopologySnapshot(primary, replicas, enabled, forcePrimary);
    }

    /** This snapshot with force-primary set. */
    public TopologySnapshot withForcePrimary(boolean force) {
        return force == forcePrimary ? this : new TopologySnapshot(primary, replicas, replicasEnabled, force);
    }

    /** This snapshot with the named replica's state replaced. */
    public TopologySnapshot withReplica(String name, UnaryOperator<NodeState> change) {
        List<NodeState> changed = new ArrayList<>(replicas);
        for (int i = 0; i < changed.size(); i++) {
            if (changed.get(i).name().equals(name)) {
                changed.set(i, change.apply(changed.get(i)));
                return new TopologySnapshot(primary, changed, replicasEnabled, forcePrimary);
            }
        }
        throw UnknownNodeException.replica(
                name, replicas.stream().map(NodeState::name).toList());
    }

    /**
     * This snapshot with a probe round's findings: each node's health and, when another node now answers as the
     * primary, that node as primary and every other node in configuration order as a replica.
     *
     * @param configurationOrder every node's name, as configured (the configured primary first), then the nodes
     *     added at run time in the order they came; names the snapshot does not hold are skipped
     */
    public TopologySnapshot withHealth(HealthReport report, List<String> configurationOrder) {
        Map<String, NodeHealth> health = report.byName();
        List<NodeState> all = new ArrayList<>(replicas.size() + 1);
        for (String name : configurationOrder) {
            NodeState state = find(name);
            if (state == null) {
                continue;
            }
            NodeHealth h = health.get(name);
            all.add(h == null ? state : state.withHealth(h));
        }
        NodeState newPrimary = null;
        List<NodeState> others = new ArrayList<>(replicas.size());
        for (NodeState state : all) {
            if (state.name().equals(report.primary())) {
                newPrimary = state.withRole(NodeRole.PRIMARY);
            } else {
                others.add(state.withRole(NodeRole.REPLICA));
            }
        }
        return new TopologySnapshot(newPrimary != null ? newPrimary : primary, others, replicasEnabled, forcePrimary);
    }

    @Override
    public String toString() {
        return "TopologySnapshot[primary=" + primary.name() + ", eligible="
                + eligibleReplicas.stream().map(NodeState::name).toList() + ", replicasEnabled=" + replicasEnabled
                + ", forcePrimary=" + forcePrimary + "]";
    }
}
