package io.pgrouter.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.pgrouter.NodeStatus;
import io.pgrouter.RouteReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * One configured node at run time: its pool and its live counters. Lives as long as the router; snapshots
 * refer to it through {@link NodeState}.
 */
public final class Node implements AutoCloseable {

    private static final RouteReason[] REASONS = RouteReason.values();

    private final NodeConfig config;
    private final DataSource pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder[] routeCounts = new LongAdder[REASONS.length];
    private final Route[] routes = new Route[REASONS.length];
    // System.nanoTime() until which the pool is skipped after it failed to connect; 0 when it is not.
    private volatile long backoffUntil;
    private volatile String lastFailure;

    /**
     * A node over a given data source: a HikariCP pool in production, anything in tests.
     *
     * @param config the node's settings
     * @param pool where its connections come from
     */
    public Node(NodeConfig config, DataSource pool) {
        this.config = config;
        this.pool = pool;
        for (RouteReason reason : REASONS) {
            routeCounts[reason.ordinal()] = new LongAdder();
            routes[reason.ordinal()] = new Route(this, reason);
        }
    }

    public NodeConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** The decision "this node, for this reason"; shared, never allocated per call. */
    public Route route(RouteReason reason) {
        return routes[reason.ordinal()];
    }

    /** Connections handed out on this node and not yet closed. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Connections routed here for {@code reason} since start. */
    public long routeCount(RouteReason reason) {
        return routeCounts[reason.ordinal()].sum();
    }

    /** Takes a connection from the node's pool; the pool's own exception passes through unchanged. */
    Connection borrow() throws SQLException {
        return pool.getConnection();
    }

    void acquired(RouteReason reason) {
        inFlight.incrementAndGet();
        routeCounts[reason.ordinal()].increment();
    }

    void released() {
        inFlight.decrementAndGet();
    }

    /** Skips the node for {@code backoffNanos} after its pool could not connect. */
    void connectFailed(long nowNanos, long backoffNanos, String why) {
        lastFailure = why;
        // 0 means "not backing off", so never store it as a deadline.
        long until = nowNanos + backoffNanos;
        backoffUntil = until == 0 ? 1 : until;
    }

    /** Whether the node is being skipped after a failure to connect. */
    boolean backingOff(long nowNanos) {
        long until = backoffUntil;
        return until != 0 && nowNanos - until < 0;
    }

    /** Why the node is being skipped, for error messages and status. */
    String backoffReason(long nowNanos) {
        return "skipped for " + Math.max(0, (backoffUntil - nowNanos) / 1_000_000) + " ms more after its pool "
                + config.poolName() + " failed to connect: " + lastFailure;
    }

    /** Aborts a physical connection of this node and makes sure its pool drops it. */
    void evict(Connection physical) {
        if (pool instanceof HikariDataSource hikari && !hikari.isClosed()) {
            hikari.evictConnection(physical);
        }
    }

    NodeStatus status(NodeState state, long nowNanos) {
        Map<RouteReason, Long> counts = new EnumMap<>(RouteReason.class);
        for (RouteReason reason : REASONS) {
            counts.put(reason, routeCount(reason));
        }
        String notEligible = state.notEligibleReason();
        if (notEligible == null && backingOff(nowNanos)) {
            notEligible = backoffReason(nowNanos);
        }
        HikariPoolMXBean mx = pool instanceof HikariDataSource hikari ? hikari.getHikariPoolMXBean() : null;
        return new NodeStatus(name(), state.role(), state.operatorState().toString(), notEligible == null,
                notEligible, config.weight(), inFlight(), mx == null ? 0 : mx.getActiveConnections(),
                mx == null ? 0 : mx.getIdleConnections(), mx == null ? 0 : mx.getTotalConnections(),
                mx == null ? 0 : mx.getThreadsAwaitingConnection(), counts);
    }

    @Override
    public void close() {
        if (pool instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing pool " + config.poolName() + " failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
