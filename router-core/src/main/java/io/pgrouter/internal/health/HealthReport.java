package io.pgrouter.internal.health;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of one probe round: every node's health, and which node is the primary now.
 *
 * @param primary the name of the node that acts as primary: the one that answered as a primary (on the highest
 *     timeline when two did), else the one believed before
 * @param nodes each node's health, in configuration order
 * @param roleChanged whether {@code primary} differs from the previous round's
 * @param switchover the switchover announced on the primary, {@code null} when none is or it did not answer
 * @param probedAtNanos {@link System#nanoTime()} when the primary's probe was sent (what {@code switchover}'s
 *     remaining time counts from)
 */
public record HealthReport(
        String primary, List<NodeHealth> nodes, boolean roleChanged, SwitchoverSignal switchover, long probedAtNanos) {

    public HealthReport {
        nodes = List.copyOf(nodes);
    }

    /** A report without a switchover signal. */
    public HealthReport(String primary, List<NodeHealth> nodes, boolean roleChanged) {
        this(primary, nodes, roleChanged, null, 0);
    }

    /** Health by node name. */
    public Map<String, NodeHealth> byName() {
        return nodes.stream().collect(Collectors.toUnmodifiableMap(NodeHealth::node, Function.identity()));
    }
}
