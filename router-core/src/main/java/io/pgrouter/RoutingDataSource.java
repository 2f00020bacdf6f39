package io.pgrouter;

import io.pgrouter.cutover.CutoverReadiness;
import io.pgrouter.internal.Node;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.config.CutoverSettings;
import io.pgrouter.internal.config.EnvironmentReader;
import io.pgrouter.internal.config.NodeDraft;
import io.pgrouter.internal.config.PropertiesReader;
import io.pgrouter.internal.config.RouterConfig;
import io.pgrouter.internal.cutover.Cutover;
import io.pgrouter.internal.cutover.CutoverFollower;
import io.pgrouter.internal.cutover.ReadinessSchedule;
import io.pgrouter.internal.cutover.RuntimeHost;
import io.pgrouter.internal.discovery.Sources;
import io.pgrouter.internal.discovery.TopologyFollower;
import io.pgrouter.internal.switchover.ExternalPrimaryMove;
import io.pgrouter.internal.switchover.Switchover;
import io.pgrouter.topology.DnsTopologySource;
import io.pgrouter.topology.PatroniTopologySource;
import io.pgrouter.topology.TopologySource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over a PostgreSQL primary and its streaming replicas: writes go to the primary, reads to a
 * replica, and reads fall back to the primary when no replica can serve.
 *
 * <pre>{@code
 * RoutingDataSource router = RoutingDataSource.builder()
 *         .primary("jdbc:postgresql://db-1:5432/app", "app", secret)
 *         .replica("db-2", "jdbc:postgresql://db-2:5432/app", "app", secret)
 *         .build();
 *
 * try (Connection c = router.getConnection()) {      // the primary
 *     ...
 * }
 * List<Order> orders = router.readOnly(() -> dao.findOrders());   // a replica
 * }</pre>
 *
 * <p><b>How a connection is routed.</b> {@link #getConnection()} returns a connection that is not yet on any
 * node. On its first real use (a statement, metadata, ...) the router decides once: a connection with read
 * intent, from {@code setReadOnly(true)} before first use or from an open {@link #readOnly()} scope, goes to an
 * eligible replica picked by the {@link ReplicaSelector}; any other to the primary; an {@link #onPrimary()}
 * scope sends it to the primary whatever else says. The connection then stays on that node while its intent stays
 * the same; between transactions, a {@code setReadOnly} that changes it moves the connection (the physical one goes
 * back to its pool, the next use routes again). Inside a transaction nothing moves.
 *
 * <p><b>Scopes</b> belong to the thread that opened them and are read when a connection is first used on that
 * thread. An open {@code onPrimary} scope wins over an open {@code readOnly} scope, whatever their order.
 *
 * <p><b>Fallback.</b> If the chosen replica's pool cannot give a connection, the next eligible replica is tried,
 * then the primary (unless fallback is off: then a {@link NoEligibleNodeException} says why each replica could
 * not serve). A connection with read intent is made read-only wherever it lands, so a write in a read
 * transaction fails with SQLSTATE 25006 on a fallback to the primary just as it does on a replica (with pgjdbc's
 * default {@code readOnlyMode=transaction}, not in auto-commit mode); writes are never retried. A read whose first
 * statement broke before anything came back runs once more on another node ({@link Builder#retryReads}).
 *
 * <p>Each node has its own HikariCP pool named {@code pgrouter-<node>}. Thread-safe.
 */
public final class RoutingDataSource implements DataSource, AutoCloseable {

    private static final MetricsBinding NO_METRICS = new MetricsBinding() {
        @Override
        public void configurePool(com.zaxxer.hikari.HikariConfig pool) {
            // HikariCP's no-op tracker stays.
        }

        @Override
        public void bindRouter(RoutingDataSource router) {
            // No meters.
        }
    };

    /** Replaced only by a cutover to another cluster, under its write gate. */
    private volatile RouterRuntime runtime;

    private volatile Switchover switchover;
    private final List<RouterListener> listeners;
    private final MetricsBinding meters;
    private final CutoverTarget cutoverTarget;
    /** The TLS settings for every node ({@code pgrouter.ssl.*}), beneath a cutover target's own. */
    private final Map<String, String> routerTls;

    private final Cutover cutover;
    private final CutoverFollower follower;
    private volatile CutoverReport lastCutover;
    private CutoverReadiness readiness;
    private final CutoverSettings cutoverSettings;
    /** Checks the readiness while a cutover is pending; {@code null} without a cutover target. */
    private final ReadinessSchedule readinessSchedule;
    /** Follows the topology source; {@code null} with the configured nodes only. Stopped by a cutover. */
    private final TopologyFollower topology;

    private RoutingDataSource(RouterConfig config) {
        this(config, List.of(), NO_METRICS, null, Map.of(), null, CutoverSettings.DEFAULTS);
    }

    /** @param source the topology source, or {@code null} for the one {@code config} describes (if any) */
    private RoutingDataSource(
            RouterConfig config,
            List<RouterListener> listeners,
            MetricsBinding meters,
            CutoverTarget cutoverTarget,
            Map<String, String> routerTls,
            TopologySource source,
            CutoverSettings cutoverSettings) {
        this.routerTls = routerTls;
        this.listeners = new CopyOnWriteArrayList<>(listeners);
        this.meters = meters;
        this.cutoverTarget = cutoverTarget;
        this.cutoverSettings = cutoverSettings;
        RuntimeHost host = new Host();
        this.cutover = new Cutover(host, Clock.systemUTC());
        // Checked before anything starts: a target that shares a node name is refused at build time.
        RouterConfig followed = cutoverTarget == null ? null : cutoverTarget.applyTo(config, routerTls);
        this.follower = new CutoverFollower(host, followed, cutover::runningId);
        TopologySource topologySource = source != null ? source : Sources.from(config.topology());
        this.runtime = RouterRuntime.start(config, listeners, meters);
        this.switchover = new Switchover(runtime, Clock.systemUTC());
        runtime.addRoundObserver(follower.observerOf(runtime));
        this.topology = topologySource == null
                ? null
                : new TopologyFollower(
                        topologySource,
                        runtime,
                        config.topology().refreshInterval(),
                        TopologyFollower.database(config.primary()));
        try {
            meters.bindRouter(this);
            if (topology != null) {
                topology.start();
            }
            this.readinessSchedule = cutoverTarget == null
                    ? null
                    : ReadinessSchedule.start(
                            cutoverSettings.checkInterval(), this::isCutoverPending, this::cutoverReadiness);
        } catch (RuntimeException | LinkageError e) {
            close();
            throw e;
        }
    }

    /** A builder; at least {@link Builder#primary(String, String, String)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A router configured from the process environment ({@code POSTGRES_HOST}, {@code DB_POOL_SIZE}, ...);
     * see {@code docs/configuration.md} for the variables and how they map.
     *
     * @throws IllegalArgumentException naming the variable and its bad value
     */
    public static RoutingDataSource fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** As {@link #fromEnvironment()}, reading the variables from {@code environment}. */
    public static RoutingDataSource fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        return fromEnvironment(environment::get);
    }

    /** As {@link #fromEnvironment()}, reading each variable through {@code lookup} (null when unset). */
    public static RoutingDataSource fromEnvironment(Function<String, String> lookup) {
        return new RoutingDataSource(EnvironmentReader.read(Objects.requireNonNull(lookup, "lookup")));
    }

    /**
     * A router configured from {@code pgrouter.*} properties, the same keys as the Spring Boot properties
     * ({@code pgrouter.primary.url}, {@code pgrouter.replicas[0].url}, {@code pgrouter.pool.replica.maximum-pool-size},
     * ...). Keys outside {@code pgrouter.} are ignored; unknown {@code pgrouter.} keys are rejected.
     *
     * @throws IllegalArgumentException naming the key and its bad value
     */
    public static RoutingDataSource fromProperties(Map<String, String> properties) {
        RouterConfig config = PropertiesReader.read(Objects.requireNonNull(properties, "properties"));
        return new RoutingDataSource(
                config,
                List.of(),
                NO_METRICS,
                CutoverTarget.ofRouterProperties(properties),
                PropertiesReader.routerTls(properties),
                null,
                PropertiesReader.readCutoverSettings(properties));
    }

    /**
     * A connection that is routed on first use (see the class description).
     *
     * @throws SQLException if the router is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        return runtime.newConnection();
    }

    /** Starts, swaps and retires runtimes for a cutover. */
    private final class Host implements RuntimeHost {

        @Override
        public RouterRuntime runtime() {
            return runtime;
        }

        @Override
        public RouterRuntime startTarget(RouterConfig config) {
            RouterRuntime next = RouterRuntime.startAfter(config, List.copyOf(listeners), meters, runtime);
            next.addRoundObserver(follower.observerOf(next));
            return next;
        }

        @Override
        public synchronized void swap(RouterRuntime from, RouterRuntime to) {
            if (topology != null) {
                topology.close(); // its source describes the cluster the router leaves
            }
            runtime = to;
            switchover = new Switchover(to, Clock.systemUTC());
            from.router().handOver(to.router());
        }

        @Override
        public int retire(RouterRuntime old, Duration timeout) {
            long until = System.nanoTime() + timeout.toNanos();
            int inUse;
            while ((inUse = old.nodes().stream().mapToInt(Node::inFlight).sum()) > 0 && System.nanoTime() - until < 0) {
                LockSupport.parkNanos(10_000_000); // connections still in use there finish their work
            }
            old.close(); // its close hooks remove its meters
            try {
                meters.bindRouter(RoutingDataSource.this);
            } catch (RuntimeException | LinkageError e) {
                org.slf4j.LoggerFactory.getLogger("io.pgrouter.cutover")
                        .warn("Meters not bound to the new cluster's router", e);
            }
            return inUse;
        }
    }

    /**
     * Not supported: each node has its own credentials in the configuration.
     *
     * @throws SQLFeatureNotSupportedException always
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("RoutingDataSource uses the credentials configured per node");
    }

    /**
     * Opens a read-only scope on this thread: connections first used inside it go to a replica. Nested
     * {@link #onPrimary()} scopes win. Close it on the same thread, best with try-with-resources.
     */
    public RouteScope readOnly() {
        return runtime.router().scopes().readOnly();
    }

    /**
     * Opens a read-only scope on this thread whose reads accept only replicas that lag at most {@code maxStaleness}
     * in time (as the health monitor measured at its last probe). When every eligible replica lags more, the read
     * goes to the primary (reason {@link RouteReason#FALLBACK_REPLICAS_TOO_STALE}), or fails with fallback off.
     * Nested bounds combine to the tightest; close bounded scopes in reverse order (try-with-resources does).
     *
     * @throws IllegalArgumentException for a negative bound
     */
    public RouteScope readOnly(Duration maxStaleness) {
        java.util.Objects.requireNonNull(maxStaleness, "maxStaleness");
        return runtime.router().scopes().readOnly(maxStaleness.toMillis());
    }

    /** Opens a scope on this thread that sends connections first used inside it to the primary. */
    public RouteScope onPrimary() {
        return runtime.router().scopes().onPrimary();
    }

    /** Runs {@code work} inside a {@link #readOnly()} scope. */
    @SuppressWarnings("try") // the scope is held for its effect on the thread
    public <T> T readOnly(Callable<T> work) throws Exception {
        try (RouteScope ignored = readOnly()) {
            return work.call();
        }
    }

    /** Runs {@code work} inside an {@link #onPrimary()} scope. */
    @SuppressWarnings("try") // the scope is held for its effect on the thread
    public <T> T onPrimary(Callable<T> work) throws Exception {
        try (RouteScope ignored = onPrimary()) {
            return work.call();
        }
    }

    /**
     * Binds a causal session to this thread until the scope closes: connections first used inside it carry the
     * session. Their reads go only to replicas that have replayed the session's position (else, after waiting at
     * most {@code pgrouter.consistency.max-wait} for one, the primary: {@link RouteReason#PRIMARY_CAUSAL}); their
     * commits on the primary advance it. Bindings nest (the inner session holds until it closes) and must be
     * closed on this thread, best with try-with-resources. See {@code docs/consistency.md}.
     */
    public RouteScope causal(CausalSession session) {
        Objects.requireNonNull(session, "session");
        return runtime.router().decider().causal().scopes().bind(session.cell());
    }

    /** Runs {@code work} with {@code session} bound to this thread (see {@link #causal(CausalSession)}). */
    @SuppressWarnings("try") // the scope is held for its effect on the thread
    public <T> T causal(CausalSession session, Callable<T> work) throws Exception {
        try (RouteScope ignored = causal(session)) {
            return work.call();
        }
    }

    /**
     * The causal session bound to this thread by {@link #causal(CausalSession)}, if any; for code that forwards it
     * (to another service, a message, a thread).
     */
    public java.util.Optional<CausalSession> currentSession() {
        io.pgrouter.internal.causal.SessionCell cell =
                runtime.router().decider().causal().scopes().current();
        return java.util.Optional.ofNullable(cell == null ? null : CausalSession.of(cell));
    }

    /** The consistency mode in force ({@code pgrouter.consistency.mode}). */
    public ConsistencyMode consistencyMode() {
        return runtime.router().decider().causal().settings().mode();
    }

    /**
     * Switches reads to replicas on or off at run time. Off, every connection first used from now on goes to
     * the primary (reason {@link RouteReason#FALLBACK_REPLICAS_DISABLED}), whatever the fallback setting;
     * connections already on a replica finish there.
     */
    public void setReplicasEnabled(boolean enabled) {
        runtime.setReplicasEnabled(enabled);
    }

    /** Whether reads may go to replicas now. */
    public boolean isReplicasEnabled() {
        return runtime.router().topology().current().replicasEnabled();
    }

    /**
     * Drains a replica: no new connection goes there; connections already there finish their work. Reads fall to
     * the other replicas (or the primary). Undo with {@link #undrain}.
     *
     * @throws UnknownNodeException for an unknown node
     * @throws IllegalArgumentException for the primary
     */
    public void drain(String node) {
        runtime.setDrained(node, true);
    }

    /** Puts a drained replica back into rotation (its health permitting). */
    public void undrain(String node) {
        runtime.setDrained(node, false);
    }

    /**
     * Adds a replica without a restart: its pool starts now and the health monitor probes it at once; it takes reads
     * once a probe found it healthy, never before. It logs in as the primary does (user, password, connection
     * properties, TLS). A topology source ({@code pgrouter.topology.source}) calls this for members it discovers.
     *
     * @param name the node's name, unique in this router
     * @param jdbcUrl a {@code jdbc:postgresql:} URL without credentials
     * @throws IllegalArgumentException for a bad name or URL, or a name in use
     */
    public void addReplica(String name, String jdbcUrl) {
        runtime.addReplica(runtime.config().joiningReplica(name, jdbcUrl), "added by an operator");
    }

    /**
     * Removes a replica without a restart: no new connection goes there from now on; connections in use there
     * finish their work, then its pool closes (at most {@code pgrouter.topology.drain-timeout} later, aborting what
     * is still in use then).
     *
     * @return completes when the node's pool is closed
     * @throws UnknownNodeException for an unknown node
     * @throws IllegalArgumentException for the primary
     */
    public java.util.concurrent.CompletableFuture<Void> removeReplica(String name) {
        return runtime.removeReplica(name, "removed by an operator");
    }

    /**
     * Holds the writes of every router of the cluster while {@code move} moves the primary outside pgrouter (a Patroni
     * switchover through its REST API, say), so that writes wait and then go to the new primary rather than fail on
     * the old one while it stops: closes this router's write gate (new connections to the primary wait), announces
     * the hold on the primary as {@link #switchover} does (the other routers' probes read it and hold their writes
     * until they see the new primary), lets the transactions running on the primary finish and the other routers see
     * the announcement (at most half of {@code maxPause}), runs {@code move} on this thread, waits until a probe finds
     * another node answering as the primary, opens the gate and withdraws the announcement. Writes held longer than
     * {@code maxPause} fail with SQLSTATE 08001; after {@code maxPause} the gate opens whatever the move did. Reads to
     * replicas go on meanwhile. Announcing needs the privilege to change settings on the primary ({@code ALTER
     * SYSTEM}, see {@code docs/switchover.md}); without it only this router's writes are held, and a warning says so.
     *
     * @return what {@code move} returned
     * @throws Exception what {@code move} threw (the gate is open again by then)
     */
    public <T> T holdWritesWhile(Duration maxPause, java.util.concurrent.Callable<T> move) throws Exception {
        return ExternalPrimaryMove.run(
                runtime, Objects.requireNonNull(maxPause, "maxPause"), Objects.requireNonNull(move, "move"));
    }

    /**
     * Sends every connection first used from now on to the primary (reason {@link RouteReason#PRIMARY_FORCED}), or
     * stops doing so. For incidents where no replica may be trusted.
     */
    public void setForcePrimary(boolean force) {
        runtime.setForcePrimary(force);
    }

    /** The lag thresholds in force. */
    public LagThresholds lagThresholds() {
        return runtime.lagThresholds();
    }

    /** Replaces the lag thresholds; the next probe of each replica is judged by them. */
    public void setLagThresholds(LagThresholds thresholds) {
        runtime.setLagThresholds(thresholds);
    }

    /**
     * Adds a listener for events from now on (state changes, role changes, fallback); see {@link RouterListener}.
     * To hear the first probe round too, use {@link Builder#listener} instead.
     */
    public void addListener(RouterListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        runtime.addListener(listener);
    }

    /** Removes a listener added before; unknown ones are ignored. */
    public void removeListener(RouterListener listener) {
        listeners.remove(listener);
        runtime.removeListener(listener);
    }

    /** An immutable snapshot of the router and its nodes, taken without I/O. */
    public RouterStatus status() {
        RouterStatus status = runtime.status();
        if (topology != null) {
            status = status.withTopologySource(topology.status());
        }
        return cutoverTarget == null ? status : status.withCutover(cutoverStatus());
    }

    /** What the last scheduled readiness check found, without I/O; no readiness report once the cutover is done. */
    private CutoverStatus cutoverStatus() {
        boolean pending = isCutoverPending();
        CutoverReadiness checked;
        synchronized (this) {
            checked = readiness;
        }
        return new CutoverStatus(
                cutoverTarget.primary(),
                cutoverTarget.nodeNames(),
                pending,
                cutoverSettings.checkInterval(),
                pending && checked != null ? checked.lastReport().orElse(null) : null,
                lastCutover);
    }

    /**
     * Moves the primary to {@code targetNode}, a streaming replica of it, without failing or losing a write: checks,
     * holds new writes (at most {@code max-pause}), lets running write transactions finish, fences the old primary,
     * waits until the target has replayed its last byte, promotes the target, moves the writes there. Other routers
     * of the cluster hold their writes too. A failure before the promotion gives the old primary back. With
     * {@link SwitchoverOptions#dryRun()} only the checks and estimates run. See {@code docs/switchover.md}: the steps,
     * the guarantees, the privileges the configured user needs.
     *
     * <p>Runs on the calling thread; failures are in the report, not thrown.
     *
     * @throws UnknownNodeException naming the configured nodes when {@code targetNode} is none of them
     * @throws IllegalStateException when a switchover already runs on this router
     */
    public SwitchoverReport switchover(String targetNode, SwitchoverOptions options) {
        Objects.requireNonNull(targetNode, "targetNode");
        Objects.requireNonNull(options, "options");
        return switchover.run(targetNode, options);
    }

    /**
     * Moves this router, and every router of the application that has the same target configured, to another cluster
     * fed by logical replication from this one (a major-version upgrade, new hardware), without failing or losing a
     * write: checks the readiness light, starts the target's pools and monitor, holds new writes (at most
     * {@code maxPause}), fences the source, waits until the subscription has confirmed the source's final position,
     * sets the target's sequences past the source's, checks the row counts, swaps to the target and releases the
     * writes there. A failure before the swap gives the source back. With {@link CutoverOptions#ofDryRun()} only the
     * checks run. See {@code docs/cutover.md}.
     *
     * <p>Runs on the calling thread; failures are in the report, not thrown.
     *
     * @throws IllegalArgumentException when a target node has the name of a current one
     * @throws IllegalStateException when a cutover already runs on this router
     */
    public CutoverReport cutover(CutoverTarget target, CutoverOptions options) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        CutoverReport report = cutover.run(target.applyTo(runtime.config(), routerTls), options);
        lastCutover = report;
        return report;
    }

    /** The report of the last cutover (or dry run) this router ran, if any. */
    public java.util.Optional<CutoverReport> lastCutover() {
        return java.util.Optional.ofNullable(lastCutover);
    }

    /**
     * Whether a cutover is planned: a target is configured ({@link Builder#cutoverTarget}) and this router still runs
     * on another cluster.
     */
    public boolean isCutoverPending() {
        return cutoverTarget != null && !runtime.config().primary().name().equals(cutoverTarget.primary());
    }

    /**
     * The readiness of the configured cutover target, from this router's primary (the source) to the target's
     * primary, with the default lag thresholds and the stable period of {@link Builder#cutoverReadiness}; the same
     * object at every call, so that its stable period accumulates over {@link CutoverReadiness#check()}s. The router
     * checks it on a thread of its own every {@code pgrouter.cutover.readiness.check-interval} while the cutover is
     * pending; its {@link CutoverReadiness#lastReport()} feeds {@link #status()} and the meters
     * ({@code pgrouter.cutover.readiness.light}). See {@code docs/cutover.md}.
     *
     * @throws IllegalStateException when no cutover target is configured
     */
    public synchronized CutoverReadiness cutoverReadiness() {
        if (cutoverTarget == null) {
            throw new IllegalStateException(
                    "no cutover target configured: use RoutingDataSource.Builder.cutoverTarget");
        }
        if (!isCutoverPending()) {
            throw new IllegalStateException("the cutover to '" + cutoverTarget.primary() + "' is done");
        }
        if (readiness == null) {
            io.pgrouter.internal.config.NodeConfig source = runtime.config().primary();
            io.pgrouter.internal.config.NodeConfig target =
                    cutoverTarget.applyTo(runtime.config(), routerTls).primary();
            readiness = CutoverReadiness.builder()
                    // With every node setting (TLS above all), as the pools connect.
                    .source(source.jdbcUrl(), source.connectionProperties())
                    .target(target.jdbcUrl(), target.connectionProperties())
                    .stableFor(cutoverSettings.stableFor())
                    .build();
        }
        return readiness;
    }

    /**
     * As {@link #cutover(CutoverTarget, CutoverOptions)} to the target given to {@link Builder#cutoverTarget}.
     *
     * @throws IllegalStateException when none was given
     */
    public CutoverReport cutover(CutoverOptions options) {
        if (cutoverTarget == null) {
            throw new IllegalStateException("no cutover target configured: use RoutingDataSource.Builder.cutoverTarget"
                    + " or cutover(CutoverTarget, CutoverOptions)");
        }
        return cutover(cutoverTarget, options);
    }

    /** The cutover target configured for this router to follow, if any. */
    public java.util.Optional<CutoverTarget> cutoverTarget() {
        return java.util.Optional.ofNullable(cutoverTarget);
    }

    /** Closes every node's pool; connections still open are closed by their pools. Idempotent. */
    @Override
    public void close() {
        if (readinessSchedule != null) {
            readinessSchedule.close();
        }
        follower.close();
        if (topology != null) {
            topology.close();
        }
        runtime.close();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return runtime.router().isClosed();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    /** Ignored: the router logs through SLF4J. */
    @Override
    public void setLogWriter(PrintWriter out) {
        // Nothing: logging goes through SLF4J.
    }

    /** Ignored: connection timeouts are set per role in the pool settings. */
    @Override
    public void setLoginTimeout(int seconds) {
        // Nothing: see the pool settings.
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("RoutingDataSource logs through SLF4J");
    }

    /**
     * This data source; or, for {@code io.pgrouter.internal.RouterRuntime}, the router's internals, which the
     * pgrouter modules (metrics, Spring) use and which may change in any release.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface == RouterRuntime.class) {
            return iface.cast(runtime);
        }
        throw new SQLException("RoutingDataSource does not wrap a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this) || iface == RouterRuntime.class;
    }

    @Override
    public String toString() {
        return "RoutingDataSource" + runtime;
    }

    /**
     * Builds a {@link RoutingDataSource}. Values are checked by {@link #build()}, whose errors name the property
     * key the value corresponds to ({@code pgrouter.replicas[0].weight}). Not thread-safe.
     */
    public static final class Builder {
        private final RouterConfig.Builder config = RouterConfig.builder();
        private final List<RouterListener> listeners = new ArrayList<>();
        private MetricsBinding meters = NO_METRICS;
        private CutoverTarget cutoverTarget;
        /** The router-wide TLS settings given to {@link #tls(TlsSettings)}, for the cutover target's nodes as well. */
        private final Map<String, String> routerTls = new java.util.LinkedHashMap<>();

        private CutoverSettings cutoverSettings = CutoverSettings.DEFAULTS;
        private TopologySource topologySource;

        private Builder() {}

        /**
         * The cluster a {@linkplain RoutingDataSource#cutover cutover} moves to. Every router of the application needs
         * it to follow a cutover that another router runs: when the source announces the cutover, this router starts
         * the target's pools and monitor, and swaps to them once the cutover is done. Default: none (such a router
         * cannot follow; its writes fail once the source is fenced). See {@code docs/cutover.md}.
         */
        public Builder cutoverTarget(CutoverTarget target) {
            this.cutoverTarget = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * How the readiness of the {@linkplain #cutoverTarget cutover target} is watched: a check every
         * {@code checkInterval} (default 5 s, at least 100 ms; {@code pgrouter.cutover.readiness.check-interval}) on a
         * thread of the router's own while the cutover is pending, and GREEN only once every condition has held for
         * {@code stableFor} (default 30 s; {@code pgrouter.cutover.readiness.stable-for}).
         *
         * @throws IllegalArgumentException naming the key and the value when one is out of range
         */
        public Builder cutoverReadiness(Duration checkInterval, Duration stableFor) {
            this.cutoverSettings = new CutoverSettings(checkInterval, stableFor);
            return this;
        }

        /** The primary, named {@code primary}. */
        public Builder primary(String jdbcUrl, String user, String password) {
            return primary("primary", jdbcUrl, user, password);
        }

        /** The primary, under another name. */
        public Builder primary(String name, String jdbcUrl, String user, String password) {
            config.primary().connection(name, jdbcUrl, user, password);
            return this;
        }

        /** Adds a replica; call once per replica. */
        public Builder replica(String name, String jdbcUrl, String user, String password) {
            config.addReplica().connection(name, jdbcUrl, user, password);
            return this;
        }

        /** The weight of a replica added before, for the weighted selector (1 to 1000; default 1). */
        public Builder weight(String node, int weight) {
            draft(node).set("weight", Integer.toString(weight));
            return this;
        }

        /**
         * Where the health monitor connects to a node added before, instead of its URL: PostgreSQL itself when the
         * node's pool goes through a connection pooler such as PgBouncer, so that probes see the server's role, lag
         * and replay state rather than a pooler's connection. Same user, password and TLS as the node's pool.
         */
        public Builder probeUrl(String node, String jdbcUrl) {
            draft(node).set("probe-url", jdbcUrl);
            return this;
        }

        /** Reads the password of a node added before from a file (trailing newline removed) instead. */
        public Builder passwordFile(String node, Path file) {
            draft(node).set("password", null).set("password-file", file.toString());
            return this;
        }

        /** An extra pgjdbc connection property for a node added before ({@code ssl}, {@code ApplicationName}, ...). */
        public Builder jdbcProperty(String node, String key, String value) {
            draft(node).property(key, value);
            return this;
        }

        /**
         * TLS for every node, pools and probes alike; a node's own {@link #tls(String, TlsSettings)} overrides it
         * setting by setting. Default: pgjdbc's ({@code sslmode=prefer}, no verification).
         */
        public Builder tls(TlsSettings settings) {
            settings.forEach(config::ssl);
            settings.forEach(routerTls::put);
            return this;
        }

        /** TLS for one node added before; its settings override those of {@link #tls(TlsSettings)}. */
        public Builder tls(String node, TlsSettings settings) {
            NodeDraft draft = draft(node);
            settings.forEach((setting, value) -> draft.set("ssl." + setting, value));
            return this;
        }

        /**
         * The health monitor's own login, used by probes only (never by the pools): a user with nothing but
         * {@code pg_monitor} is enough. Default: each node's own user.
         */
        public Builder probeLogin(String user, String password) {
            config.probeLogin("username", user).probeLogin("password", password).probeLogin("password-file", null);
            return this;
        }

        /** As {@link #probeLogin(String, String)}, with the password read from a file (trailing newline removed). */
        public Builder probeLogin(String user, Path passwordFile) {
            config.probeLogin("username", user)
                    .probeLogin("password", null)
                    .probeLogin("password-file", passwordFile.toString());
            return this;
        }

        /** Pool settings for the primary; default {@link PoolSettings#PRIMARY_DEFAULTS}. */
        public Builder primaryPool(PoolSettings settings) {
            config.primaryPool(settings);
            return this;
        }

        /** Pool settings for each replica; default {@link PoolSettings#REPLICA_DEFAULTS}. */
        public Builder replicaPool(PoolSettings settings) {
            config.replicaPool(settings);
            return this;
        }

        /** How reads pick a replica; default {@link ReplicaSelector#leastInFlight()}. */
        public Builder selection(ReplicaSelector selector) {
            config.selector(selector);
            return this;
        }

        /** Whether reads go to the primary when no replica can serve; default true. */
        public Builder fallbackToPrimary(boolean enabled) {
            config.fallbackToPrimary(enabled);
            return this;
        }

        /**
         * Whether a read whose first statement fails because its connection broke (SQLSTATE class 08, 57P01 to 57P03,
         * or a node the health monitor cut off) before anything came back runs once more on another eligible replica,
         * or the primary by fallback; default true. Writes never run twice. See {@code docs/routing.md}.
         */
        public Builder retryReads(boolean enabled) {
            config.retryReads(enabled);
            return this;
        }

        /**
         * Whether the router keeps one connection to the primary that listens for switchover notices
         * ({@code pgrouter.switchover.notices}, default {@code true}): with it, a switchover or cutover run by another
         * router holds this router's writes at once and ends its drain as soon as every listening router answered.
         * Without it, this router learns of one from its next probe round, and a switchover elsewhere waits its
         * {@code signal-wait} before fencing (docs/switchover.md).
         */
        public Builder switchoverNotices(boolean enabled) {
            config.switchoverNotices(enabled);
            return this;
        }

        /**
         * How long a connection that must be on the primary (a write, a forced or causal read) waits for one while the
         * primary is known down, before it fails naming the node ({@code pgrouter.primary-down-wait}, at most 5 min).
         * While it waits the router probes every node at once and then once per probe timeout, and the write goes to
         * the first node that answers as the primary. Default: one probe interval plus one probe timeout, which
         * covers a promotion done before the write came. Longer waits carry writes through an HA manager's failover
         * (Patroni promotes after its {@code ttl}) at the cost of a thread held per waiting write. See
         * {@code docs/routing.md}.
         */
        public Builder primaryDownWait(Duration wait) {
            config.primaryDownWait(Objects.requireNonNull(wait, "wait"));
            return this;
        }

        /** Whether reads may use replicas from the start; default true. */
        public Builder replicasEnabled(boolean enabled) {
            config.replicasEnabled(enabled);
            return this;
        }

        /**
         * How long a node's circuit breaker stays open after failures (to connect, or probes) before a probe may
         * close it again; default 5 s.
         */
        public Builder failedReplicaBackoff(Duration backoff) {
            config.failedReplicaBackoff(backoff);
            return this;
        }

        /**
         * Where the router learns nodes that join and leave while it runs: a {@link PatroniTopologySource}, a {@link
         * DnsTopologySource}, or one of your own. Its members join as replicas (with the primary's login) and take
         * reads once a probe found them healthy; nodes it stops listing leave, the primary of the moment excepted. It
         * is asked once before {@link #build()} returns, then every {@link #topologyRefreshInterval}; the router closes
         * it. Default: none, the configured nodes only (or the source of {@code pgrouter.topology.source}). See
         * {@code docs/topology.md}.
         */
        public Builder topologySource(TopologySource source) {
            topologySource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets {@code pgrouter.topology.*} keys as {@link RoutingDataSource#fromProperties} reads them ({@code source},
         * {@code patroni.urls}, {@code patroni.password-file}, {@code dns.name}, ...): for frameworks that bind these
         * keys themselves and leave their checks to the router. A {@code null} value leaves its key unset. The router
         * makes the source they describe unless {@link #topologySource} gives one; {@link #build()} checks the values
         * and names the key of a bad one. See {@code docs/configuration.md}.
         *
         * @throws IllegalArgumentException for a key outside {@code pgrouter.topology.}, or a value that does not parse
         */
        public Builder topology(Map<String, String> properties) {
            PropertiesReader.topology(config, properties);
            return this;
        }

        /** How often the topology source is asked; default 1s, at least 50ms. */
        public Builder topologyRefreshInterval(Duration interval) {
            config.topologyRefreshInterval(interval);
            return this;
        }

        /**
         * How long a replica that left ({@link RoutingDataSource#removeReplica}, or a topology source no longer listing
         * it) may keep connections in use before its pool closes, aborting them; default 30s.
         */
        public Builder drainTimeout(Duration timeout) {
            config.drainTimeout(timeout);
            return this;
        }

        /** How often the health monitor probes every node; default 500 ms. */
        public Builder probeInterval(Duration interval) {
            config.probeInterval(interval);
            return this;
        }

        /** How long a probe may take before it fails and its connection is cut; default 80% of the interval. */
        public Builder probeTimeout(Duration timeout) {
            config.probeTimeout(timeout);
            return this;
        }

        /**
         * Whether connections in use on a node whose probes timed out are aborted, so that statements blocked on a
         * server that stopped answering fail at once; default true. Only while their work can move: a replica's while
         * the primary answers or another replica serves reads, the primary's once another node answers as the
         * primary. A primary that is only slow, with nothing to replace it, keeps its connections.
         */
        public Builder abortOnProbeTimeout(boolean abort) {
            config.abortOnProbeTimeout(abort);
            return this;
        }

        /** When replicas leave and rejoin rotation; default {@link LagThresholds#ofDefaults()}. */
        public Builder lagThresholds(LagThresholds thresholds) {
            config.lag(thresholds);
            return this;
        }

        /** How commits' positions are learned for read-your-writes; default {@link ConsistencyMode#EXACT}. */
        public Builder consistencyMode(ConsistencyMode mode) {
            config.consistencyMode(mode);
            return this;
        }

        /**
         * How long a read with a causal position may wait for a replica to replay it before it goes to the primary;
         * default 100 ms, zero for no wait, at most 30 s.
         */
        public Builder consistencyMaxWait(Duration maxWait) {
            config.consistencyMaxWait(maxWait);
            return this;
        }

        /**
         * Whether a causal session's reads also advance it, so that its reads never go back in time (monotonic reads):
         * when a read connection closes, the router asks its node how far it has replayed (one query) and merges that
         * into the session. Default off. See {@code docs/consistency.md}.
         */
        public Builder consistencyMonotonicReads(boolean monotonicReads) {
            config.consistencyMonotonicReads(monotonicReads);
            return this;
        }

        /** Adds a listener that hears events from the first probe round on; see {@link RouterListener}. */
        public Builder listener(RouterListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Where to report meters: every node pool's HikariCP meters, set up before the pools start, and the router's
         * own; for Micrometer {@code io.pgrouter.micrometer.MicrometerMetrics.of(registry)}. Default: none.
         */
        public Builder metrics(MetricsBinding binding) {
            meters = Objects.requireNonNull(binding, "metrics");
            return this;
        }

        /**
         * Validates the configuration and starts one pool per node. Nodes that are down do not fail the build.
         *
         * @throws IllegalArgumentException naming the bad key and value
         */
        public RoutingDataSource build() {
            return new RoutingDataSource(
                    config.build(),
                    List.copyOf(listeners),
                    meters,
                    cutoverTarget,
                    Map.copyOf(routerTls),
                    topologySource,
                    cutoverSettings);
        }

        private NodeDraft draft(String node) {
            return config.node(node);
        }
    }
}
