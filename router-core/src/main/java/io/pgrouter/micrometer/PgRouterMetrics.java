package io.pgrouter.micrometer;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pgrouter.RouteReason;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.internal.CausalRouting;
import io.pgrouter.internal.Node;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.causal.TokenCodec;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.NodeHealth;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Binds a router's meters to a Micrometer registry. Every meter reads values the router keeps anyway (route
 * counters, the topology snapshot, the circuit breakers, the pools' counters): a scrape never reaches the database
 * and the routing path does no extra work. The probe timer is recorded by the health monitor thread, once per probe.
 *
 * <pre>{@code
 * new PgRouterMetrics(router).bindTo(registry);
 * }</pre>
 *
 * <p>It also gives each node's HikariCP pool a Micrometer tracker ({@code hikaricp.*}, tag {@code pool=pgrouter-<node>})
 * when the pool has none yet. HikariCP takes one tracker per pool, for good: to report pools to several registries,
 * bind a {@code CompositeMeterRegistry}. {@link MicrometerMetrics} does all this at build time,
 * so that the pools report from their very first connection.
 *
 * <p>The {@code pgrouter.*} meters are removed from every registry when the router closes or when {@link #close()} is
 * called. See {@code docs/metrics.md} for every meter, its tags and the meaning of its numbers.
 */
public final class PgRouterMetrics implements MeterBinder, AutoCloseable {

    /** Connections routed, per node and reason (function counter). */
    public static final String ROUTE_DECISIONS = "pgrouter.route.decisions";
    /** 1 while reads fall back to the primary because no replica is eligible (gauge). */
    public static final String ROUTE_FALLBACK = "pgrouter.route.fallback";
    /** WAL bytes a replica is behind the primary (gauge). */
    public static final String REPLICA_LAG_BYTES = "pgrouter.replica.lag.bytes";
    /** Age of the oldest change a replica has not applied (gauge). */
    public static final String REPLICA_LAG_SECONDS = "pgrouter.replica.lag.seconds";
    /** A node's health state as a number (gauge). */
    public static final String NODE_STATE = "pgrouter.node.state";
    /** 1 when a node takes the traffic of its role now (gauge). */
    public static final String NODE_IN_ROTATION = "pgrouter.node.in.rotation";
    /** 1 for the primary, 0 for a replica (gauge). */
    public static final String NODE_ROLE = "pgrouter.node.role";
    /** A node's circuit breaker state as a number (gauge). */
    public static final String NODE_BREAKER_STATE = "pgrouter.node.breaker.state";
    /** How long each health probe took (timer). */
    public static final String PROBE_LATENCY = "pgrouter.probe.latency";
    /** Connections in use over the pool's maximum size (gauge). */
    public static final String POOL_UTILIZATION = "pgrouter.pool.utilization";
    /** Consistency tokens and positions ignored, by kind (function counter). */
    public static final String CONSISTENCY_TOKEN_REJECTIONS = "pgrouter.consistency.token.rejections";
    /** Reads that waited for a replica to replay their session's position, by outcome (function timer). */
    public static final String CONSISTENCY_WAITS = "pgrouter.consistency.waits";
    /** Positions captured after commits in exact mode, by outcome (function counter). */
    public static final String CONSISTENCY_CAPTURES = "pgrouter.consistency.captures";

    /** 1 while a cutover target is configured and the router still runs on the source, else 0 (gauge). */
    public static final String CUTOVER_PENDING = "pgrouter.cutover.pending";
    /**
     * The cutover readiness light at its last check: 0 not checked yet, 1 red, 2 yellow, 3 green; NaN when no cutover
     * is pending (gauge).
     */
    public static final String CUTOVER_LIGHT = "pgrouter.cutover.readiness.light";
    /** WAL bytes the subscription has not confirmed at the last readiness check; NaN when unknown (gauge). */
    public static final String CUTOVER_LAG_BYTES = "pgrouter.cutover.lag.bytes";

    private static final String UNIT_DECISIONS = "decisions";
    private static final String UNIT_RATIO = "ratio";
    private static final String UNIT_TOKENS = "tokens";
    private static final String UNIT_CAPTURES = "captures";

    private final RouterRuntime runtime;
    private final RoutingDataSource router;
    private final Tags tags;
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    /** Meters of {@code router}, tagged only with what tells nodes apart. */
    public PgRouterMetrics(RoutingDataSource router) {
        this(router, Tags.empty());
    }

    /**
     * Meters of {@code router} with extra tags on each (to tell two routers apart in one registry, say).
     *
     * @throws IllegalArgumentException if the router is closed
     */
    public PgRouterMetrics(RoutingDataSource router, Iterable<Tag> tags) {
        Objects.requireNonNull(router, "router");
        if (router.isClosed()) {
            throw new IllegalArgumentException("the router is closed: " + router);
        }
        try {
            this.runtime = router.unwrap(RouterRuntime.class);
        } catch (SQLException e) {
            throw new IllegalStateException("RoutingDataSource gave no runtime", e);
        }
        this.router = router;
        this.tags = Tags.of(tags);
        runtime.onClose(this::close);
    }

    /**
     * Registers the meters in {@code registry}.
     *
     * @throws IllegalStateException if the router is closed: its meters would never be removed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (runtime.router().isClosed()) {
            throw new IllegalStateException("the router is closed; its meters would read a router that is gone");
        }
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder(ROUTE_FALLBACK, runtime, r -> r.inFallback() ? 1 : 0)
                .description("1 while reads go to the primary because no replica is eligible, else 0")
                .tags(tags)
                .strongReference(true)
                .register(registry));
        meters.addAll(consistencyMeters(registry));
        if (router.cutoverTarget().isPresent()) {
            meters.addAll(cutoverGauges(registry));
        }
        Binding binding = new Binding(registry, meters);
        // Observe first: a node that joins while the meters of the others are registered is not missed (a node
        // registered twice is registered once: nodeMeters keys by name).
        runtime.addMembershipObserver(binding);
        for (Node node : runtime.nodes()) {
            binding.added(node);
        }
        runtime.addRoundObserver(binding);
        bindings.add(binding);
    }

    /** The meters of one node in {@code registry}: route counters, gauges, probe timers. */
    private NodeMeters nodeMeters(MeterRegistry registry, Node node) {
        List<Meter> meters = new ArrayList<>();
        Tags nodeTags = tags.and("node", node.name());
        for (RouteReason reason : RouteReason.values()) {
            meters.add(FunctionCounter.builder(ROUTE_DECISIONS, node, n -> n.routeCount(reason))
                    .description("Connections routed to the node, by where they went and why")
                    .baseUnit(UNIT_DECISIONS)
                    .tags(nodeTags.and(
                            "route",
                            reason.toReplica() ? "replica" : "primary",
                            "reason",
                            reason.name().toLowerCase(Locale.ROOT)))
                    .register(registry));
        }
        NodeReadings readings = new NodeReadings(runtime, node);
        meters.add(gauge(
                registry,
                REPLICA_LAG_BYTES,
                readings,
                NodeReadings::lagBytes,
                nodeTags,
                BaseUnits.BYTES,
                "WAL bytes the replica is behind the primary; NaN for the primary and when unknown"));
        meters.add(gauge(
                registry,
                REPLICA_LAG_SECONDS,
                readings,
                NodeReadings::lagSeconds,
                nodeTags,
                "seconds",
                "Age of the oldest change the replica has not applied; NaN for the primary and when unknown"));
        meters.add(gauge(
                registry,
                NODE_STATE,
                readings,
                NodeReadings::healthState,
                nodeTags,
                null,
                "Health state: 0 unknown, 1 healthy, 2 lagging, 3 disconnected, 4 unreachable"));
        meters.add(gauge(
                registry,
                NODE_IN_ROTATION,
                readings,
                NodeReadings::inRotation,
                nodeTags,
                null,
                "1 when the node takes the traffic of its role now (a replica: reads; the primary: answers as one)"));
        meters.add(gauge(
                registry,
                NODE_ROLE,
                readings,
                NodeReadings::role,
                nodeTags,
                null,
                "1 for the node writes go to, 0 for a replica"));
        meters.add(gauge(
                registry,
                NODE_BREAKER_STATE,
                readings,
                NodeReadings::breakerState,
                nodeTags,
                null,
                "Circuit breaker: 0 closed, 1 open, 2 half-open, 3 disabled, 4 forced-open, 5 metrics-only"));
        meters.add(gauge(
                registry,
                POOL_UTILIZATION,
                readings,
                NodeReadings::poolUtilization,
                nodeTags.and("pool", node.config().poolName()),
                UNIT_RATIO,
                "Connections in use over the pool's maximum size, 0 to 1"));
        ProbeTimers timers = new ProbeTimers(registry, nodeTags);
        meters.addAll(timers.all());
        trackPool(node, registry);
        return new NodeMeters(meters, timers);
    }

    /** Read-your-writes: what the router counts anyway about tokens, waits and captures. */
    private List<Meter> consistencyMeters(MeterRegistry registry) {
        CausalRouting causal = runtime.router().decider().causal();
        List<Meter> meters = new ArrayList<>();
        String rejections = "Consistency tokens ignored: unreadable ones (too_long, unsupported_version, malformed;"
                + " counted in the JVM, where tokens are parsed) and positions of another cluster (other_cluster)";
        for (TokenCodec.Rejection kind : TokenCodec.Rejection.values()) {
            meters.add(FunctionCounter.builder(CONSISTENCY_TOKEN_REJECTIONS, kind, TokenCodec::rejected)
                    .description(rejections)
                    .baseUnit(UNIT_TOKENS)
                    .tags(tags.and("kind", kind.name().toLowerCase(Locale.ROOT)))
                    .register(registry));
        }
        meters.add(FunctionCounter.builder(CONSISTENCY_TOKEN_REJECTIONS, causal, CausalRouting::foreignPositions)
                .description(rejections)
                .baseUnit(UNIT_TOKENS)
                .tags(tags.and("kind", "other_cluster"))
                .register(registry));
        for (CausalRouting.WaitOutcome outcome : CausalRouting.WaitOutcome.values()) {
            meters.add(FunctionTimer.builder(
                            CONSISTENCY_WAITS,
                            causal,
                            c -> c.waits(outcome),
                            c -> c.waitNanos(outcome),
                            TimeUnit.NANOSECONDS)
                    .description("Reads that waited for a replica to replay their session's position, and how long;"
                            + " outcome caught_up (a replica served the read), timed_out or failed (the primary did)")
                    .tags(tags.and("outcome", outcome.name().toLowerCase(Locale.ROOT)))
                    .register(registry));
        }
        String captures = "Positions read from the primary after a commit (exact mode); a failure falls back to the"
                + " next probe";
        meters.add(FunctionCounter.builder(CONSISTENCY_CAPTURES, causal, CausalRouting::captures)
                .description(captures)
                .baseUnit(UNIT_CAPTURES)
                .tags(tags.and("outcome", "success"))
                .register(registry));
        meters.add(FunctionCounter.builder(CONSISTENCY_CAPTURES, causal, CausalRouting::captureFailures)
                .description(captures)
                .baseUnit(UNIT_CAPTURES)
                .tags(tags.and("outcome", "failure"))
                .register(registry));
        return meters;
    }

    /** The cutover's gauges; they read the last readiness report, never the databases. */
    private List<Meter> cutoverGauges(MeterRegistry registry) {
        return List.of(
                Gauge.builder(CUTOVER_PENDING, router, r -> r.isCutoverPending() ? 1 : 0)
                        .description("1 while a cutover target is configured and the router still runs on the source")
                        .tags(tags)
                        .strongReference(true)
                        .register(registry),
                Gauge.builder(CUTOVER_LIGHT, router, PgRouterMetrics::light)
                        .description("Cutover readiness light at its last check: 0 not checked, 1 red, 2 yellow,"
                                + " 3 green; NaN when no cutover is pending")
                        .tags(tags)
                        .strongReference(true)
                        .register(registry),
                Gauge.builder(CUTOVER_LAG_BYTES, router, PgRouterMetrics::cutoverLagBytes)
                        .description("WAL bytes the subscription had not confirmed at the last readiness check")
                        .baseUnit(BaseUnits.BYTES)
                        .tags(tags)
                        .strongReference(true)
                        .register(registry));
    }

    private static double light(RoutingDataSource router) {
        if (!router.isCutoverPending()) {
            return Double.NaN;
        }
        return router.cutoverReadiness()
                .lastReport()
                .map(r -> switch (r.light()) {
                    case RED -> 1.0;
                    case YELLOW -> 2.0;
                    case GREEN -> 3.0;
                })
                .orElse(0.0);
    }

    private static double cutoverLagBytes(RoutingDataSource router) {
        if (!router.isCutoverPending()) {
            return Double.NaN;
        }
        return router.cutoverReadiness()
                .lastReport()
                .filter(r -> r.lagBytes() >= 0)
                .map(r -> (double) r.lagBytes())
                .orElse(Double.NaN);
    }

    private static Gauge gauge(
            MeterRegistry registry,
            String name,
            NodeReadings readings,
            ToDoubleFunction<NodeReadings> value,
            Tags tags,
            String unit,
            String description) {
        // Strong: the readings object lives only in the gauge; the meters go when the router closes.
        return Gauge.builder(name, readings, value)
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** A HikariCP tracker on the node's pool, unless it has one (given at build time, or by an earlier bind). */
    private static void trackPool(Node node, MeterRegistry registry) {
        if (node.pool() instanceof HikariDataSource hikari
                && !hikari.isClosed()
                && hikari.getMetricRegistry() == null
                && hikari.getMetricsTrackerFactory() == null) {
            try {
                hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            } catch (IllegalStateException e) {
                // Another bind got there first: that registry has the pool's meters.
            }
        }
    }

    /** Removes the {@code pgrouter.*} meters from every registry bound so far. Idempotent. */
    @Override
    public void close() {
        for (Binding binding : bindings) {
            bindings.remove(binding);
            runtime.removeRoundObserver(binding);
            runtime.removeMembershipObserver(binding);
            binding.removeAll();
        }
    }

    /** One node's meters in one registry. */
    private record NodeMeters(List<Meter> meters, ProbeTimers timers) {}

    /**
     * The meters in one registry: the router's, and each node's, which follow nodes that join (registered) and leave
     * (removed). Hears probe rounds (on the monitor thread) and membership changes (on the thread of the change).
     */
    private final class Binding implements Consumer<HealthReport>, RouterRuntime.MembershipObserver {
        private final MeterRegistry registry;
        private final List<Meter> routerMeters;
        private final Map<String, NodeMeters> nodes = new ConcurrentHashMap<>();

        Binding(MeterRegistry registry, List<Meter> routerMeters) {
            this.registry = registry;
            this.routerMeters = routerMeters;
        }

        @Override
        public void accept(HealthReport report) {
            for (NodeHealth h : report.nodes()) {
                NodeMeters m = nodes.get(h.node());
                if (m != null) {
                    m.timers().record(h);
                }
            }
        }

        @Override
        public void added(Node node) {
            nodes.computeIfAbsent(node.name(), name -> nodeMeters(registry, node));
        }

        @Override
        public void removed(Node node) {
            NodeMeters m = nodes.remove(node.name());
            if (m != null) {
                m.meters().forEach(registry::remove);
            }
        }

        void removeAll() {
            routerMeters.forEach(registry::remove);
            for (String name : List.copyOf(nodes.keySet())) {
                NodeMeters m = nodes.remove(name);
                if (m != null) {
                    m.meters().forEach(registry::remove);
                }
            }
        }
    }

    /** One node's probe timers by outcome; recorded by the monitor thread only. */
    private static final class ProbeTimers {
        private final Timer success;
        private final Timer failure;
        private final Timer timeout;
        private long lastRecorded;

        ProbeTimers(MeterRegistry registry, Tags nodeTags) {
            success = timer(registry, nodeTags, "success");
            failure = timer(registry, nodeTags, "failure");
            timeout = timer(registry, nodeTags, "timeout");
        }

        private static Timer timer(MeterRegistry registry, Tags nodeTags, String outcome) {
            return Timer.builder(PROBE_LATENCY)
                    .description("How long a health probe of the node took, by outcome (a timeout: until it was cut)")
                    .tags(nodeTags.and("outcome", outcome))
                    .register(registry);
        }

        List<Meter> all() {
            return List.of(success, failure, timeout);
        }

        void record(NodeHealth h) {
            // A probe still running when a round ends is reported again by the next one: count each probe once.
            if (h.lastProbeNanos() == 0 || h.lastProbeNanos() == lastRecorded) {
                return;
            }
            lastRecorded = h.lastProbeNanos();
            Timer timer = h.consecutiveFailures() == 0 ? success : h.probeTimedOut() ? timeout : failure;
            timer.record(h.lastProbeLatencyNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
