package io.pgrouter.internal;

import io.pgrouter.LagThresholds;
import io.pgrouter.MetricsBinding;
import io.pgrouter.NodeStatus;
import io.pgrouter.RouterListener;
import io.pgrouter.RouterStatus;
import io.pgrouter.TopologyChangeEvent;
import io.pgrouter.UnknownNodeException;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.RouterConfig;
import io.pgrouter.internal.health.HealthMonitor;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.NodeHealth;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;

/** What a started router is made of: its nodes and pools, the topology, the routing path. */
public final class RouterRuntime implements AutoCloseable {

    private static final Logger LOG = RouterLog.LOG;

    private final RouterConfig config;
    /**
     * The nodes that take connections: those configured, then those that joined at run time; replaced as a whole
     * under {@link #membership} on the monitor thread, read anywhere.
     */
    private volatile List<Node> nodes;
    /** The names of {@link #nodes}, in the same order: the order snapshots keep replicas in. */
    private volatile List<String> names;
    /** Held while a node joins or leaves, so that two changes never interleave. */
    private final Object membership = new Object();
    /** Nodes that left and still have connections in use; their pools close when those are closed. */
    private final java.util.Set<Node> draining = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Scopes scopes;
    private final NodeSignals signals;
    private final MetricsBinding meters;
    private final ConnectionRouter router;
    private final HealthMonitor monitor;
    /** Which nodes stopped answering and have their connections cut; touched by the monitor thread only. */
    private final SilentNodes silentNodes = new SilentNodes();

    private final RouterEvents events;
    private final List<Consumer<HealthReport>> roundObservers = new CopyOnWriteArrayList<>();
    private final List<MembershipObserver> membershipObservers = new CopyOnWriteArrayList<>();
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    /**
     * Aborts connections on nodes that stopped answering, off the monitor thread: a round must never wait on a
     * connection it cuts. Threads are made on demand and end after a minute unused.
     */
    private final ExecutorService aborts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgrouter-abort");
        t.setDaemon(true);
        return t;
    });

    /**
     * Closes the pools of nodes that left once their connections in use are closed: checks every
     * {@link #DRAIN_CHECK_MILLIS} ms, up to the drain timeout.
     */
    private final java.util.concurrent.ScheduledExecutorService drains =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pgrouter-drain");
                t.setDaemon(true);
                return t;
            });

    private static final long DRAIN_CHECK_MILLIS = 50;

    /** Hears switchover notices on the primary between probe rounds. */
    private final SwitchoverNotices notices;

    private RouterRuntime(
            RouterConfig config,
            List<Node> nodes,
            ConnectionRouter router,
            List<RouterListener> listeners,
            Scopes scopes,
            NodeSignals signals,
            MetricsBinding meters) {
        this.config = config;
        this.nodes = List.copyOf(nodes);
        this.names = this.nodes.stream().map(Node::name).toList();
        this.router = router;
        this.scopes = scopes;
        this.signals = signals;
        this.meters = meters;
        this.monitor = new HealthMonitor(config.probeNodes(), config.monitor(), config.lag(), this::apply);
        long probeTimeout = config.monitor().timeout().toNanos();
        router.awaitRoundsWhenPrimaryDown(new PrimaryDownWait(
                monitor::probeNow, config.primaryDownWaitOrDefault().toNanos(), probeTimeout));
        this.events = new RouterEvents(listeners, Clock.systemUTC());
        this.notices = new SwitchoverNotices(
                () -> config.probeNode(
                        router.topology().current().primary().node().config()),
                this::holdNotified,
                id -> {
                    router.writeGate().overHeard(id);
                    monitor.probeNow();
                },
                // Held and drained: a write that got its connection before the gate closed may not have begun its
                // transaction yet, where the leader's drain cannot see it (one hit the fence with 25006).
                id -> router.writeGate().holdConfirmed(id)
                        && router.topology().current().primary().node().inFlight() == 0,
                monitor::probeNow,
                config.monitor().interval(),
                config.monitor().timeout());
    }

    /** As {@link #start(RouterConfig, List, Object)} without listeners or metrics. */
    public static RouterRuntime start(RouterConfig config) {
        return start(config, List.of(), null);
    }

    /**
     * Starts a pool per node and the health monitor, whose first probe round runs before this returns so that
     * the first connection is routed on facts; if a pool cannot be created, closes the others and rethrows.
     *
     * @param listeners hear events from the first probe round on
     * @param meters where the pools report their HikariCP metrics
     */
    public static RouterRuntime start(RouterConfig config, List<RouterListener> listeners, MetricsBinding meters) {
        return start(config, listeners, meters, new Scopes(), new io.pgrouter.internal.causal.CausalScopes());
    }

    /**
     * As {@link #start(RouterConfig, List, MetricsBinding)}, for the cluster a cutover moves to: the thread's routing
     * scopes and causal session bindings are those of {@code previous}, so that a scope opened before the swap still
     * holds for connections first used after it.
     */
    public static RouterRuntime startAfter(
            RouterConfig config, List<RouterListener> listeners, MetricsBinding meters, RouterRuntime previous) {
        return start(
                config,
                listeners,
                meters,
                previous.router.scopes(),
                previous.router.decider().causal().scopes());
    }

    private static RouterRuntime start(
            RouterConfig config,
            List<RouterListener> listeners,
            MetricsBinding meters,
            Scopes scopes,
            io.pgrouter.internal.causal.CausalScopes causalScopes) {
        NodeSignals signals = new NodeSignals();
        List<Node> nodes = new ArrayList<>();
        try {
            nodes.add(PoolFactory.pooledNode(
                    config.primary(),
                    config.primaryPool(),
                    scopes::readOnlyActive,
                    config.failedReplicaBackoff(),
                    signals,
                    meters));
            for (NodeConfig replica : config.replicas()) {
                nodes.add(PoolFactory.pooledNode(
                        replica,
                        config.replicaPool(),
                        scopes::readOnlyActive,
                        config.failedReplicaBackoff(),
                        signals,
                        meters));
            }
        } catch (RuntimeException e) {
            nodes.forEach(RouterRuntime::closeQuietly);
            throw e;
        }
        RouterRuntime runtime = new RouterRuntime(
                config, nodes, routerOver(nodes, config, scopes, causalScopes), listeners, scopes, signals, meters);
        signals.target = runtime::nodeSignal;
        runtime.monitor.start();
        if (config.switchoverNotices()) {
            runtime.notices.start();
        }
        LOG.info("Started {}", runtime);
        return runtime;
    }

    /**
     * Applies a probe round to the topology, on the monitor thread: health and roles into a new snapshot, probe
     * outcomes into the circuit breakers, pools of nodes that changed role retired, connections on nodes that
     * stopped answering cut; then events and observers.
     */
    private void apply(HealthReport report) {
        TopologySnapshot before = router.topology().current();
        TopologySnapshot after = router.topology().update(snapshot -> snapshot.withHealth(report, names));
        for (NodeHealth h : report.nodes()) {
            if (h.lastProbeNanos() != 0) {
                node(h.node()).probed(h.consecutiveFailures() == 0, h.reason());
            }
        }
        // After every breaker took its probe: whether a silent node's work can move depends on the others.
        for (NodeHealth h : report.nodes()) {
            Node node = node(h.node());
            SilentNodes.Verdict silent = silentNodes.assess(h, after);
            node.unresponsive(silent.cut());
            if (silent.cut() && config.abortOnProbeTimeout()) {
                abortConnections(node, silent, h.reason());
            }
        }
        if (report.roleChanged()) {
            Node oldPrimary = before.primary().node();
            Node newPrimary = node(report.primary());
            oldPrimary.softEvict();
            newPrimary.softEvict();
            LOG.warn(
                    "Writes now go to '{}' (was '{}'): it answers as the primary; both pools retire their connections",
                    newPrimary.name(),
                    oldPrimary.name());
            redirect(
                    oldPrimary, "'" + oldPrimary.name() + "' is no longer the primary; '" + newPrimary.name() + "' is");
        }
        String down = after.primary().downReason();
        if (down != null) {
            redirect(after.primary().node(), "primary '" + after.primary().name() + "' is down: " + down);
        }
        followSwitchoverSignal(report, after);
        // After the breakers took this round's probes, so that the fallback check sees them.
        events.afterRound(before, after, report);
        for (Consumer<HealthReport> observer : roundObservers) {
            try {
                observer.accept(report);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // As for listeners: an observer must never stop the monitor or keep the others from the report.
                LOG.warn("Probe round observer {} failed", observer, e);
            }
        }
    }

    /**
     * Holds this router's writes while a switchover announced on the primary (by another router, say) is in
     * progress; releases them once a primary answers without the signal, which is the case on the new primary (see
     * {@link WriteGate#follow}).
     */
    private void followSwitchoverSignal(HealthReport report, TopologySnapshot after) {
        io.pgrouter.internal.health.SwitchoverSignal signal = report.switchover();
        boolean primaryAnswered = after.primary().health().inRotation();
        if (signal != null) {
            holdFor(signal, report.probedAtNanos(), primaryAnswered);
            return;
        }
        WriteGate.Closure held = router.writeGate().closure();
        if (primaryAnswered && held != null && held.origin() == WriteGate.Origin.SIGNAL) {
            // The fence of the switchover ended the pool's idle connections there: none may be handed out dead.
            after.primary().node().softEvict();
        }
        router.writeGate().follow(null, null, 0, primaryAnswered, report.probedAtNanos());
    }

    /** Holds this router's writes for a switchover signalled elsewhere, found by a probe sent at {@code sinceNanos}. */
    private void holdFor(io.pgrouter.internal.health.SwitchoverSignal signal, long sinceNanos, boolean answered) {
        boolean closed = router.writeGate()
                .follow(signal.id(), signal.target(), deadline(signal, sinceNanos), answered, sinceNanos);
        redirectOnHold(closed, signal);
    }

    /** Holds this router's writes for a switchover heard as a notice ({@link SwitchoverNotices}) just now. */
    private void holdNotified(io.pgrouter.internal.health.SwitchoverSignal signal) {
        boolean closed =
                router.writeGate().holdNotified(signal.id(), signal.target(), deadline(signal, System.nanoTime()));
        redirectOnHold(closed, signal);
    }

    private static long deadline(io.pgrouter.internal.health.SwitchoverSignal signal, long sinceNanos) {
        return sinceNanos + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(signal.remainingMillis());
    }

    private void redirectOnHold(boolean closed, io.pgrouter.internal.health.SwitchoverSignal signal) {
        if (closed) {
            Node primary = router.topology().current().primary().node();
            redirect(primary, "switchover " + signal.id() + " to '" + signal.target() + "' is in progress");
        }
    }

    /**
     * Aborts the connections on a node that stopped answering, on the abort threads: first those in use (marked as
     * cut, so that a read that showed nothing yet runs again elsewhere), then the rest of its pool, idle ones and
     * those a borrower is validating.
     */
    private void abortConnections(Node node, SilentNodes.Verdict silent, String why) {
        try {
            aborts.execute(() -> {
                int inUse = node.abortHandedOut(Runnable::run);
                int pooled = node.abortPooled(Runnable::run);
                if (inUse > 0) {
                    LOG.warn(
                            "Node '{}' stopped answering ({} probes in a row: {}); aborted {} connection(s) in use there,"
                                    + " whose work can move: {}",
                            node.name(),
                            silent.silentProbes(),
                            why,
                            inUse,
                            silent.movesTo());
                }
                if (pooled > 0) {
                    LOG.debug("Node '{}' stopped answering; aborted {} more connection(s) of its pool", node, pooled);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Sends the borrowers waiting in {@code node}'s pool for a primary connection to route again. */
    private static void redirect(Node node, String why) {
        int redirected = node.redirectWaiters(why);
        if (redirected > 0) {
            LOG.warn("{} connection request(s) waiting on '{}' routed again: {}", redirected, node.name(), why);
        }
    }

    /** Adds a listener for events from now on. */
    public void addListener(RouterListener listener) {
        events.add(listener);
    }

    /** Removes a listener added before; unknown ones are ignored. */
    public void removeListener(RouterListener listener) {
        events.remove(listener);
    }

    /** Whether reads fall back to the primary because no replica is eligible, as of the last published snapshot. */
    public boolean inFallback() {
        return events.inFallback();
    }

    /**
     * Hands every probe round's report to {@code observer} on the monitor thread, after the topology took it; for
     * metrics. It must be quick; its exceptions are logged.
     */
    public void addRoundObserver(Consumer<HealthReport> observer) {
        roundObservers.add(observer);
    }

    /** Stops handing reports to an observer added before. */
    public void removeRoundObserver(Consumer<HealthReport> observer) {
        roundObservers.remove(observer);
    }

    /** Runs {@code hook} when the router closes (after its pools); to unregister meters, say. */
    public void onClose(Runnable hook) {
        closeHooks.add(hook);
    }

    /** The configuration the router runs with. */
    public RouterConfig config() {
        return config;
    }

    /** Asks the health monitor for a probe round as soon as possible. */
    public void probeNow() {
        monitor.probeNow();
    }

    /** The nodes in configuration order, the configured primary first, then those that joined at run time. */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * Adds a replica at run time: its pool starts now, the health monitor probes it at once, and it takes reads
     * once a probe found it healthy (never before). Listeners hear {@link TopologyChangeEvent}.
     *
     * @param replica the node's settings, see {@link RouterConfig#joiningReplica}
     * @param why for the log and the event ("listed by Patroni", say)
     * @return the node
     * @throws IllegalArgumentException if a node of that name is in the router already
     * @throws IllegalStateException if the router is closed
     */
    public Node addReplica(NodeConfig replica, String why) {
        Node node;
        synchronized (membership) {
            checkOpen();
            if (names.contains(replica.name())) {
                throw new IllegalArgumentException("node '" + replica.name() + "' is in the router already");
            }
            node = PoolFactory.pooledNode(
                    replica,
                    config.replicaPool(),
                    scopes::readOnlyActive,
                    config.failedReplicaBackoff(),
                    signals,
                    meters);
            try {
                monitor.addNode(config.probeNode(replica), () -> {
                    router.topology().update(snapshot -> snapshot.withReplicaAdded(NodeState.initial(node)));
                    nodes = append(nodes, node);
                    names = nodes.stream().map(Node::name).toList();
                });
            } catch (IllegalArgumentException e) {
                closeQuietly(node);
                throw e;
            }
        }
        LOG.info(
                "Node '{}' added ({}): {}; it takes reads once a probe finds it healthy",
                replica.name(),
                why,
                io.pgrouter.internal.config.Secrets.maskUrl(replica.jdbcUrl()));
        membershipObservers.forEach(o -> o.added(node));
        events.membership(replica.name(), true, why);
        return node;
    }

    /**
     * Removes a replica at run time: from now on no new connection goes there; connections in use there finish
     * their work, then its pool closes (at the latest after {@code pgrouter.topology.drain-timeout}, aborting what
     * is still in use). Listeners hear {@link TopologyChangeEvent}.
     *
     * @param why for the log and the event
     * @return completes when the node's pool is closed
     * @throws io.pgrouter.UnknownNodeException if there is no node of that name
     * @throws IllegalArgumentException if it is the primary now
     */
    public java.util.concurrent.CompletableFuture<Void> removeReplica(String name, String why) {
        Node node;
        synchronized (membership) {
            checkOpen();
            node = node(name);
            monitor.removeNode(name, () -> {
                // Throws for the primary, before the monitor forgets the node.
                router.topology().update(snapshot -> snapshot.withoutReplica(name));
                nodes = nodes.stream().filter(n -> n != node).toList();
                names = nodes.stream().map(Node::name).toList();
                silentNodes.forget(name);
            });
            draining.add(node);
        }
        LOG.info(
                "Node '{}' removed ({}): no new connections go there; its pool closes once the {} connection(s) in"
                        + " use there are closed (at most {} ms)",
                name,
                why,
                node.inFlight(),
                config.topology().drainTimeout().toMillis());
        membershipObservers.forEach(o -> o.removed(node));
        events.membership(name, false, why);
        events.checkFallback(router.topology().current());
        return closeWhenDrained(
                node, System.nanoTime() + config.topology().drainTimeout().toNanos());
    }

    private java.util.concurrent.CompletableFuture<Void> closeWhenDrained(Node node, long deadlineNanos) {
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                int inUse = node.inFlight();
                boolean late = System.nanoTime() - deadlineNanos >= 0;
                if (inUse > 0 && !late && !router.isClosed()) {
                    try {
                        drains.schedule(this, DRAIN_CHECK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                        return;
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // the router closes: it closes the pool too
                    }
                }
                if (inUse > 0 && late) {
                    LOG.warn(
                            "Node '{}' left with {} connection(s) still in use after the drain timeout of {} ms;"
                                    + " closing its pool aborts them",
                            node.name(),
                            inUse,
                            config.topology().drainTimeout().toMillis());
                }
                if (draining.remove(node)) {
                    closeQuietly(node);
                    LOG.info("Node '{}' drained; its pool is closed", node.name());
                }
                closed.complete(null);
            }
        };
        try {
            drains.execute(check);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            check.run();
        }
        return closed;
    }

    private void checkOpen() {
        if (router.isClosed()) {
            throw new IllegalStateException("the router is closed");
        }
    }

    private static List<Node> append(List<Node> list, Node node) {
        List<Node> more = new ArrayList<>(list);
        more.add(node);
        return List.copyOf(more);
    }

    /** Hears nodes join and leave; for metrics. Called on the thread of the change; must be quick. */
    public interface MembershipObserver {
        /** {@code node} joined; it is in {@link #nodes()} and the topology. */
        void added(Node node);

        /** {@code node} left; it is no longer in {@link #nodes()} nor the topology. */
        void removed(Node node);
    }

    /** Tells {@code observer} of nodes that join and leave from now on. */
    public void addMembershipObserver(MembershipObserver observer) {
        membershipObservers.add(observer);
    }

    /** Stops telling an observer added before. */
    public void removeMembershipObserver(MembershipObserver observer) {
        membershipObservers.remove(observer);
    }

    /**
     * A statement on {@code node} failed in a way that says something about the node: a write rejected as
     * read-only (25006) on the node believed primary may mean it was demoted; a broken connection may mean it went
     * down. Either way, look again now instead of at the next interval.
     */
    private void nodeSignal(String node, String sqlState) {
        if (sqlState.equals("25006")) {
            if (router.topology().current().primary().name().equals(node)) {
                LOG.warn("Node '{}' rejected a write as read-only although it is believed primary; probing now", node);
                monitor.probeNow();
            }
        } else {
            LOG.debug("Connection to node '{}' broke (SQLSTATE {}); probing now", node, sqlState);
            node(node).suspect("connection broken, SQLSTATE " + sqlState);
            monitor.probeNow();
        }
    }

    private Node node(String name) {
        List<String> names = this.names;
        for (Node node : nodes) {
            if (node.name().equals(name)) {
                return node;
            }
        }
        throw UnknownNodeException.node(name, names);
    }

    /** Drains a replica (no new reads) or undrains it. */
    public void setDrained(String name, boolean drained) {
        node(name);
        OperatorState state = drained ? OperatorState.DRAINED : OperatorState.ACTIVE;
        TopologySnapshot before = router.topology().current();
        if (before.primary().name().equals(name) && drained) {
            throw new IllegalArgumentException("node '" + name + "' is the primary: only replicas can be drained");
        }
        TopologySnapshot after = router.topology()
                .update(snapshot -> snapshot.primary().name().equals(name)
                        ? snapshot
                        : snapshot.withReplica(name, s -> s.withOperatorState(state)));
        LOG.info("Node '{}' {}", name, drained ? "drained: no new reads go there" : "undrained");
        events.checkFallback(after);
    }

    /** Sends every connection to the primary, or stops doing so. */
    public void setForcePrimary(boolean force) {
        TopologySnapshot before = router.topology().current();
        router.topology().update(snapshot -> snapshot.withForcePrimary(force));
        if (before.forcePrimary() != force) {
            LOG.info("Force primary {}", force ? "on: every connection goes to the primary" : "off");
        }
    }

    /** The lag thresholds in force. */
    public LagThresholds lagThresholds() {
        return monitor.thresholds();
    }

    /** Replaces the lag thresholds; they apply from the next probe on. */
    public void setLagThresholds(LagThresholds thresholds) {
        monitor.thresholds(thresholds);
    }

    /** The routing path over nodes whose pools already exist: the primary first, then the replicas. */
    static ConnectionRouter routerOver(List<Node> nodes, RouterConfig config, Scopes scopes) {
        return routerOver(nodes, config, scopes, new io.pgrouter.internal.causal.CausalScopes());
    }

    private static ConnectionRouter routerOver(
            List<Node> nodes, RouterConfig config, Scopes scopes, io.pgrouter.internal.causal.CausalScopes causal) {
        List<NodeState> replicas =
                nodes.subList(1, nodes.size()).stream().map(NodeState::initial).toList();
        Topology topology =
                new Topology(TopologySnapshot.of(NodeState.initial(nodes.get(0)), replicas, config.replicasEnabled()));
        return new ConnectionRouter(
                topology,
                new RouteDecider(
                        config.selector(), config.fallbackToPrimary(), new CausalRouting(config.consistency(), causal)),
                scopes,
                config.retryReads());
    }

    public ConnectionRouter router() {
        return router;
    }

    /** A lazy connection; fails only if the router is closed. */
    public Connection newConnection() throws SQLException {
        router.checkOpen();
        return new RoutedConnection(router);
    }

    /** Publishes a snapshot with the replicas flag set; logs the change. */
    public void setReplicasEnabled(boolean enabled) {
        TopologySnapshot before = router.topology().current();
        TopologySnapshot after = router.topology().update(snapshot -> snapshot.withReplicasEnabled(enabled));
        if (before.replicasEnabled() != enabled) {
            LOG.info("Reads to replicas {}", enabled ? "enabled" : "disabled: every connection goes to the primary");
        }
        events.checkFallback(after);
    }

    /** The status now. */
    public RouterStatus status() {
        TopologySnapshot snapshot = router.topology().current();
        long now = System.nanoTime();
        List<NodeStatus> statuses = new ArrayList<>();
        for (NodeState state : snapshot.nodes()) {
            statuses.add(state.node().status(state, now));
        }
        return new RouterStatus(
                Instant.now(),
                snapshot.replicasEnabled(),
                config.fallbackToPrimary(),
                snapshot.forcePrimary(),
                config.selector().toString(),
                monitor.thresholds(),
                statuses);
    }

    @Override
    public void close() {
        if (router.isClosed()) {
            return;
        }
        router.close();
        notices.close();
        monitor.close();
        aborts.shutdown();
        drains.shutdownNow();
        nodes.forEach(RouterRuntime::closeQuietly);
        for (Node node : draining) {
            if (draining.remove(node)) {
                closeQuietly(node);
            }
        }
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.warn("Close hook {} failed", hook, e);
            }
        }
        LOG.info("Closed {}", this);
    }

    private static void closeQuietly(Node node) {
        try {
            node.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing pool {} failed", node.config().poolName(), e);
        }
    }

    @Override
    public String toString() {
        return "[primary=" + router.topology().current().primary().name() + ", nodes=" + names + ", selection="
                + config.selector()
                + ", fallbackToPrimary=" + config.fallbackToPrimary() + "]";
    }

    /** Forwards what the pools' exception observers see to the runtime, which exists only after the pools. */
    private static final class NodeSignals implements java.util.function.BiConsumer<String, String> {
        private volatile java.util.function.BiConsumer<String, String> target;

        @Override
        public void accept(String node, String sqlState) {
            java.util.function.BiConsumer<String, String> t = target;
            if (t != null) {
                t.accept(node, sqlState);
            }
        }
    }
}
