package io.pgrouter.micrometer;

import io.pgrouter.HealthState;
import io.pgrouter.NodeRole;
import io.pgrouter.internal.Node;
import io.pgrouter.internal.NodeState;
import io.pgrouter.internal.RouterRuntime;

/**
 * What the gauges of one node read: the current topology snapshot (one volatile read) and the node's own counters.
 * Never any I/O: a scrape must not reach the database.
 */
final class NodeReadings {

    private final RouterRuntime runtime;
    private final Node node;

    NodeReadings(RouterRuntime runtime, Node node) {
        this.runtime = runtime;
        this.node = node;
    }

    /** The node's state now, or {@code null} once it left (its meters are being removed). */
    private NodeState state() {
        return runtime.router().topology().current().find(node.name());
    }

    /** WAL bytes a replica is behind; NaN for the primary or when unknown. */
    double lagBytes() {
        NodeState s = state();
        if (s == null) {
            return Double.NaN;
        }
        long bytes = s.health().lag().bytes();
        return s.role() == NodeRole.REPLICA && bytes >= 0 ? bytes : Double.NaN;
    }

    /** Seconds a replica is behind; NaN for the primary or when unknown. */
    double lagSeconds() {
        NodeState s = state();
        if (s == null) {
            return Double.NaN;
        }
        long millis = s.health().lag().millis();
        return s.role() == NodeRole.REPLICA && millis >= 0 ? millis / 1000.0 : Double.NaN;
    }

    double healthState() {
        NodeState s = state();
        return s == null ? Double.NaN : stateCode(s.health().state());
    }

    /** A replica: 1 when reads may go there now; the primary: 1 when it answered its last probe as a primary. */
    double inRotation() {
        NodeState s = state();
        if (s == null) {
            return 0;
        }
        boolean in = s.role() == NodeRole.REPLICA
                ? s.eligible() && !node.backingOff()
                : s.health().inRotation();
        return in ? 1 : 0;
    }

    double role() {
        NodeState s = state();
        return s != null && s.role() == NodeRole.PRIMARY ? 1 : 0;
    }

    /** resilience4j's own order of states, see {@code docs/metrics.md}. */
    double breakerState() {
        return node.breaker().getState().getOrder();
    }

    double poolUtilization() {
        return node.poolUtilization();
    }

    /** The number published for a health state; documented in {@code docs/metrics.md}, so never reorder. */
    static int stateCode(HealthState state) {
        return switch (state) {
            case UNKNOWN -> 0;
            case HEALTHY -> 1;
            case LAGGING -> 2;
            case DISCONNECTED -> 3;
            case UNREACHABLE -> 4;
        };
    }
}
