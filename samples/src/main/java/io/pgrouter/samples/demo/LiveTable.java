package io.pgrouter.samples.demo;

import io.pgrouter.NodeStatus;
import io.pgrouter.RouteReason;
import io.pgrouter.RouterStatus;
import io.pgrouter.RoutingDataSource;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * One line a second: what the load saw (requests, where reads ran, errors) and what the router knows (fallbacks,
 * lag, node states, pool use). Also keeps the maxima the summary reports.
 */
final class LiveTable {

    private static final String FORMAT = "%6s  %-22s %7s %8s %8s %6s %11s %8s  %-44s %-14s %6s%n";

    private final RoutingDataSource router;
    private final LoadDriver load;
    private final PrintStream out;
    private final long startedNanos = System.nanoTime();
    private Map<String, Long> lastCounts = new HashMap<>();
    private long lastFallbacks;
    private long maxLagBytes;
    private long maxLagMillis;
    private int lines;

    LiveTable(RoutingDataSource router, LoadDriver load, PrintStream out) {
        this.router = router;
        this.load = load;
        this.out = out;
    }

    void print(String phase) {
        if (lines++ % 20 == 0) {
            out.printf(
                    FORMAT,
                    "t",
                    "phase",
                    "writes",
                    "rd repl",
                    "rd prim",
                    "fallbk",
                    "lag bytes",
                    "lag ms",
                    "nodes (health, +/- in rotation)",
                    "pool use",
                    "errors");
        }
        Map<String, Long> counts = load.counts();
        RouterStatus status = router.status();
        long fallbacks = fallbacks(status);
        long writes = delta(counts, "insert") + delta(counts, "update") + delta(counts, "delete");
        StringBuilder nodes = new StringBuilder();
        StringBuilder pools = new StringBuilder();
        long lagBytes = -1;
        long lagMillis = -1;
        for (NodeStatus node : status.nodes()) {
            nodes.append(nodes.length() > 0 ? " " : "")
                    .append(node.name())
                    .append('=')
                    .append(node.health().name().toLowerCase())
                    .append(node.role() == io.pgrouter.NodeRole.PRIMARY ? "(P)" : node.eligible() ? "+" : "-");
            if (!node.breakerState().equals("closed")) {
                nodes.append("[breaker ").append(node.breakerState()).append(']');
            }
            pools.append(pools.length() > 0 ? " " : "")
                    .append(node.activeConnections())
                    .append('/')
                    .append(node.totalConnections());
            if (node.role() == io.pgrouter.NodeRole.REPLICA) {
                lagBytes = Math.max(lagBytes, node.lagBytes());
                lagMillis = Math.max(lagMillis, node.lagMillis());
            }
        }
        maxLagBytes = Math.max(maxLagBytes, lagBytes);
        maxLagMillis = Math.max(maxLagMillis, lagMillis);
        out.printf(
                FORMAT,
                elapsed() + "s",
                phase,
                writes,
                delta(counts, "read on replica"),
                delta(counts, "read on primary"),
                fallbacks - lastFallbacks,
                lagBytes < 0 ? "?" : Long.toString(lagBytes),
                lagMillis < 0 ? "?" : Long.toString(lagMillis),
                nodes,
                pools,
                load.failureCount());
        lastCounts = counts;
        lastFallbacks = fallbacks;
    }

    private long delta(Map<String, Long> counts, String key) {
        return counts.getOrDefault(key, 0L) - lastCounts.getOrDefault(key, 0L);
    }

    static long fallbacks(RouterStatus status) {
        long sum = 0;
        for (NodeStatus node : status.nodes()) {
            for (RouteReason reason : RouteReason.values()) {
                if (reason.name().startsWith("FALLBACK_")) {
                    sum += node.routes(reason);
                }
            }
        }
        return sum;
    }

    long elapsed() {
        return (System.nanoTime() - startedNanos) / 1_000_000_000;
    }

    long maxLagBytes() {
        return maxLagBytes;
    }

    long maxLagMillis() {
        return maxLagMillis;
    }
}
