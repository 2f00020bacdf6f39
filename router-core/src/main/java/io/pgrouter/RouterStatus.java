package io.pgrouter;

import java.time.Instant;
import java.util.List;

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
 * @param nodes the primary first, then the other nodes in configuration order (nodes that joined at run time last)
 * @param topologySource what the topology source last said, {@code null} without one
 * @param cutover the cutover target's readiness and the last cutover, {@code null} without a cutover target
 */
public record RouterStatus(
        Instant takenAt,
        boolean replicasEnabled,
        boolean fallbackToPrimary,
        boolean forcePrimary,
        String selection,
        LagThresholds lagThresholds,
        List<NodeStatus> nodes,
        io.pgrouter.topology.TopologySourceStatus topologySource,
        CutoverStatus cutover) {

    public RouterStatus {
        nodes = List.copyOf(nodes);
    }

    /** A status without a topology source: the configured nodes are the topology. */
    public RouterStatus(
            Instant takenAt,
            boolean replicasEnabled,
            boolean fallbackToPrimary,
            boolean forcePrimary,
            String selection,
            LagThresholds lagThresholds,
            List<NodeStatus> nodes) {
        this(takenAt, replicasEnabled, fallbackToPrimary, forcePrimary, selection, lagThresholds, nodes, null);
    }

    /** A status without a cutover target. */
    public RouterStatus(
            Instant takenAt,
            boolean replicasEnabled,
            boolean fallbackToPrimary,
            boolean forcePrimary,
            String selection,
            LagThresholds lagThresholds,
            List<NodeStatus> nodes,
            io.pgrouter.topology.TopologySourceStatus topologySource) {
        this(
                takenAt,
                replicasEnabled,
                fallbackToPrimary,
                forcePrimary,
                selection,
                lagThresholds,
                nodes,
                topologySource,
                null);
    }

    /** This status with what the topology source last said. */
    public RouterStatus withTopologySource(io.pgrouter.topology.TopologySourceStatus source) {
        return new RouterStatus(
                takenAt,
                replicasEnabled,
                fallbackToPrimary,
                forcePrimary,
                selection,
                lagThresholds,
                nodes,
                source,
                cutover);
    }

    /** This status with the cutover target's readiness and the last cutover. */
    public RouterStatus withCutover(CutoverStatus cutover) {
        return new RouterStatus(
                takenAt,
                replicasEnabled,
                fallbackToPrimary,
                forcePrimary,
                selection,
                lagThresholds,
                nodes,
                topologySource,
                cutover);
    }

    /**
     * This snapshot as one JSON object: the components above by name, {@code Instant}s as ISO-8601 strings,
     * durations in milliseconds ({@code lagThresholds.maxDelayMillis}), enums in lower case, unknown lag as
     * {@code null}; {@code cutover} holds the readiness report and the last cutover's report as their own
     * {@code toJson()} has them. See {@code docs/metrics.md} for an example.
     *
     * @throws IllegalStateException without Jackson ({@code tools.jackson.core:jackson-core}, an optional dependency)
     */
    public String toJson() {
        io.pgrouter.internal.OptionalJackson.require("RouterStatus.toJson()");
        return io.pgrouter.internal.StatusJson.of(
                this, cutover == null ? null : io.pgrouter.internal.cutover.CutoverStatusJson.of(cutover));
    }

    /** The primary's status. */
    public NodeStatus primary() {
        return nodes.stream()
                .filter(n -> n.role() == NodeRole.PRIMARY)
                .findFirst()
                .orElseThrow();
    }

    /** The status of the nodes other than the primary, in configuration order. */
    public List<NodeStatus> replicas() {
        return nodes.stream().filter(n -> n.role() == NodeRole.REPLICA).toList();
    }

    /**
     * The status of the node with this name.
     *
     * @throws UnknownNodeException naming the known nodes
     */
    public NodeStatus node(String name) {
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> UnknownNodeException.node(
                        name, nodes.stream().map(NodeStatus::name).toList()));
    }
}
