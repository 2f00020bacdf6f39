package io.pgrouter.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.pgrouter.NodeStatus;
import io.pgrouter.RouteReason;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.RouterConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
    private final CircuitBreaker breaker;
    private final HandedOut handedOut;
    private final BorrowWaiters primaryWaiters;
    private volatile String lastFailure;
    // Set when a connection to the node broke; cleared by the next probe, which the break triggers at once.
    private volatile boolean suspect;
    // Set while the node's probes get no answer in time (a frozen server, a black hole).
    private volatile boolean unresponsive;

    /**
     * A node over a given data source: a HikariCP pool in production, anything in tests.
     *
     * @param config the node's settings
     * @param pool where its connections come from
     * @param openFor how long the circuit breaker stays open before a probe may close it again
     * @param maxConnections the most connections the pool hands out at once
     */
    public Node(NodeConfig config, DataSource pool, Duration openFor, int maxConnections) {
        this.config = config;
        this.pool = pool;
        this.handedOut = new HandedOut(maxConnections);
        this.primaryWaiters = new BorrowWaiters(maxConnections);
        for (RouteReason reason : REASONS) {
            routeCounts[reason.ordinal()] = new LongAdder();
            routes[reason.ordinal()] = new Route(this, reason);
        }
        // Fed by probes (one per interval) and by failures to connect through the pool. Three calls with half of
        // them failed open it; after openFor it lets one probe through, whose success closes it again.
        this.breaker = CircuitBreaker.of(
                config.poolName(),
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(5)
                        .minimumNumberOfCalls(3)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(openFor.isZero() ? Duration.ofMillis(1) : openFor)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .build());
    }

    /** A node whose breaker stays open for the default time; for tests. */
    public Node(NodeConfig config, DataSource pool) {
        this(config, pool, RouterConfig.DEFAULT_FAILED_REPLICA_BACKOFF, 64);
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

    /**
     * Takes a connection that must be on the primary: a wait in the pool that {@link #redirectWaiters} can end when
     * this node stops being the primary or is known to be down.
     */
    Connection borrowAsPrimary() throws SQLException, BorrowWaiters.Redirected {
        return primaryWaiters.borrow(pool);
    }

    /**
     * Ends every wait in this node's pool for a connection that must be on the primary; those borrowers route
     * again on the newest snapshot.
     *
     * @return how many waits were ended
     */
    public int redirectWaiters(String reason) {
        return primaryWaiters.redirectAll(reason);
    }

    /** Counts a connection handed out for {@code reason}; returns its slot, to give back to {@link #released}. */
    int acquired(RouteReason reason, RoutedConnection connection) {
        inFlight.incrementAndGet();
        routeCounts[reason.ordinal()].increment();
        return handedOut.add(connection);
    }

    /** Counts a connection closed or aborted; a second call for the same connection does nothing. */
    void released(RoutedConnection connection, int slot) {
        if (slot == HandedOut.UNTRACKED ? connection.markReleased() : handedOut.remove(slot, connection)) {
            inFlight.decrementAndGet();
        }
    }

    /** The node's circuit breaker. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Records that the node's pool could not connect to it. */
    void connectFailed(Throwable error, String why) {
        lastFailure = why;
        breaker.onError(0, TimeUnit.NANOSECONDS, error);
    }

    /**
     * A connection to this node broke: keep new reads away until the probe that this triggers has answered, so
     * that the pool's other connections to a server that just died are not handed out meanwhile.
     */
    void suspect(String why) {
        lastFailure = why;
        suspect = true;
    }

    /** Records a probe's outcome: probes are the breaker's half-open trials. */
    public void probed(boolean ok, String error) {
        suspect = false;
        if (ok) {
            breaker.onSuccess(0, TimeUnit.NANOSECONDS);
        } else {
            lastFailure = "probe failed: " + error;
            breaker.onError(0, TimeUnit.NANOSECONDS, new SQLException(error));
        }
    }

    /**
     * Records whether the node's probes stopped getting answers in time ({@link NodeState#FAILED_PROBES_FOR_DOWN} in a
     * row). While they do, a connection closed on it is cut rather than handed back to the pool, whose rollback and
     * reset would wait on the silent server.
     */
    public void unresponsive(boolean silent) {
        unresponsive = silent;
    }

    /** Whether the node's probes get no answer in time. */
    boolean unresponsive() {
        return unresponsive;
    }

    /** Whether the circuit breaker keeps reads away (open, or half-open waiting for a probe to succeed). */
    public boolean backingOff() {
        if (suspect) {
            return true;
        }
        CircuitBreaker.State state = breaker.getState();
        return state == CircuitBreaker.State.OPEN
                || state == CircuitBreaker.State.HALF_OPEN
                || state == CircuitBreaker.State.FORCED_OPEN;
    }

    /** Why the breaker keeps reads away, for error messages and status. */
    String backoffReason() {
        if (suspect) {
            return "a connection to it broke; waiting for a probe: " + lastFailure;
        }
        return "circuit breaker of " + config.poolName() + " "
                + breaker.getState().name().toLowerCase(java.util.Locale.ROOT) + "; last failure: " + lastFailure;
    }

    /**
     * Cuts every connection handed out on this node and not yet closed ({@link RoutedConnection#cut}): statements
     * blocked on a server that stopped answering fail at once instead of waiting for TCP to give up, and a read that
     * had shown nothing yet runs again elsewhere.
     *
     * @return how many were aborted
     */
    public int abortHandedOut(Executor executor) {
        int aborted = 0;
        for (RoutedConnection c : handedOut.current()) {
            try {
                if (c.cut(executor)) {
                    aborted++;
                }
            } catch (SQLException | RuntimeException ignored) {
                // already closed or closing: nothing left to cut
            }
        }
        return aborted;
    }

    /**
     * Cuts every physical connection of the node's pool, idle ones and those a borrower is validating included, and
     * retires them all, so that no borrower waits on a node that stopped answering. HikariCP validates an idle
     * connection before handing it out, for up to its validation timeout (5 s), and an interrupt does not end that
     * socket read: a write waiting on a cut-off old primary stayed there for seconds after the promotion was seen.
     *
     * @return how many were aborted (0 when the pool is not a HikariCP pool over a {@link NodeDataSource})
     */
    public int abortPooled(Executor executor) {
        if (pool instanceof HikariDataSource hikari
                && !hikari.isClosed()
                && hikari.getDataSource() instanceof NodeDataSource physical) {
            // Retired first, so that the pool hands none of them out after the abort without validating it.
            softEvict();
            return physical.abortOpened(executor);
        }
        return 0;
    }

    /** Retires the pool's connections as they come back (after a role change, say); open ones finish their work. */
    public void softEvict() {
        if (pool instanceof HikariDataSource hikari && !hikari.isClosed() && hikari.getHikariPoolMXBean() != null) {
            hikari.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** The pool's numbers, or {@code null} when the pool is not HikariCP or not started. */
    public HikariPoolMXBean poolStats() {
        return pool instanceof HikariDataSource hikari && !hikari.isClosed() ? hikari.getHikariPoolMXBean() : null;
    }

    /**
     * The share of the pool's maximum size in use now, 0 to 1; NaN when the pool is not HikariCP or is closed.
     * Reads the pool's counters only.
     */
    public double poolUtilization() {
        HikariPoolMXBean mx = poolStats();
        int max = pool instanceof HikariDataSource hikari ? hikari.getMaximumPoolSize() : 0;
        return mx == null || max <= 0 ? Double.NaN : (double) mx.getActiveConnections() / max;
    }

    /** The node's pool, for metrics. */
    public DataSource pool() {
        return pool;
    }

    /**
     * Makes sure the pool drops a physical connection of this node. A connection still borrowed is closed at once;
     * one handed back is closed unless borrowed again (then on its return); one HikariCP already dropped as broken is
     * left alone.
     */
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
        String notEligible = state.unusableReason();
        HikariPoolMXBean mx = poolStats();
        io.pgrouter.internal.health.NodeHealth h = state.health();
        java.time.Instant probedAt =
                h.lastProbeNanos() == 0 ? null : java.time.Instant.now().minusNanos(nowNanos - h.lastProbeNanos());
        boolean replica = state.role() == io.pgrouter.NodeRole.REPLICA;
        return new NodeStatus(
                name(),
                state.role(),
                state.operatorState().toString(),
                replica && notEligible == null,
                replica ? notEligible : h.reason(),
                config.weight(),
                inFlight(),
                mx == null ? 0 : mx.getActiveConnections(),
                mx == null ? 0 : mx.getIdleConnections(),
                mx == null ? 0 : mx.getTotalConnections(),
                mx == null ? 0 : mx.getThreadsAwaitingConnection(),
                counts,
                h.state(),
                replica ? h.lag().bytes() : -1,
                replica ? h.lag().millis() : -1,
                replica ? h.lag().basis().name().toLowerCase(java.util.Locale.ROOT) : null,
                h.replayPaused(),
                h.timeline(),
                breaker.getState().name().toLowerCase(java.util.Locale.ROOT),
                probedAt,
                h.lastProbeLatencyNanos() / 1e6);
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
