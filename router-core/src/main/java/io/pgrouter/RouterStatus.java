package io.pgrouter;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An immutable snapshot of the router: its switches and every node. Built by the router only; later versions
 * add components, so construct it by name only in tests.
 *
 * @param takenAt when the snapshot was taken
 * @param replicasEnabled whether reads may go to replicas ({@link RoutingDataSource#setReplicasEnabled})
 * @param fallbackToPrimary whether reads fall back to the primary when no replica can serve
 * @param forcePrimary whether an operator sends every connection to the primary ({@link RoutingDataSource#setForcePrimary})
 * @param selection the replica selector, e.g. {@code least-in-flight}
 * @param lagThresholds the lag thresholds in force
 * @param nodes the primary first, then the other nodes in configuration order
 */
public record RouterStatus(
        Instant takenAt,
        boolean replicasEnabled,
        boolean fallbackToPrimary,
        boolean forcePrimary,
        String selection,
        LagThresholds lagThresholds,
        List<NodeStatus> nodes) {

    public RouterStatus {
        nodes = List.copyOf(nodes);
    }

    /** The primary's status. */
    public NodeStatus primary() {
        return nodes.stream().filter(n -> n.role() == NodeRole.PRIMARY).findFirst().orElseThrow();
    }

    /** The status of the nodes other than the primary, in configuration order. */
    public List<NodeStatus> replicas() {
        return nodes.stream().filter(n -> n.role() == NodeRole.REPLICA).toList();
    }

    /**
     * The status of the node with this name.
     *
     * @throws NoSuchElementException naming the known nodes
     */
    public NodeStatus node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no node named '" + name + "'; nodes: "
                        + nodes.stream().map(NodeStatus::name).toList()));
    }
}
