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
 */
public record HealthReport(String primary, List<NodeHealth> nodes, boolean roleChanged) {

    public HealthReport {
        nodes = List.copyOf(nodes);
    }

    /** Health by node name. */
    public Map<String, NodeHealth> byName() {
        return nodes.stream().collect(Collectors.toUnmodifiableMap(NodeHealth::node, Function.identity()));
    }
}
