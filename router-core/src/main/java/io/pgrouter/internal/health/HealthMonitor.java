package io.pgrouter.internal.health;

import io.pgrouter.LagThresholds;
import io.pgrouter.internal.config.MonitorSettings;
import io.pgrouter.internal.config.NodeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every node each interval and publishes a {@link HealthReport}.
 *
 * <p>One scheduler thread ({@code pgrouter-health}) runs the rounds and does all the assessing; each node's probe
 * runs on a thread of its own ({@code pgrouter-probe-<node>}) so that a node that stops answering delays nobody
 * else's probe: the round waits at most the probe timeout, then cuts the late probe's connection. (pgjdbc's connect
 * timeouts are whole seconds, so a single thread probing node after node could not keep sub-second rounds.)
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.health");
    /** How long the first round, which opens every probe connection, may wait for an answer. */
    static final Duration FIRST_ROUND_TIMEOUT = Duration.ofSeconds(2);

    private final List<NodeConfig> nodes;
    private final MonitorSettings settings;
    private final AtomicReference<LagThresholds> thresholds;
    private final Consumer<HealthReport> sink;
    private final Map<String, NodeProbe> probes = new LinkedHashMap<>();
    private final Map<String, ExecutorService> probeThreads = new HashMap<>();
    private final Map<String, Future<ProbeResult>> pending = new HashMap<>();
    private final Assessor assessor;
    private final ScheduledExecutorService scheduler;
    private final java.util.concurrent.atomic.AtomicBoolean roundRequested =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * A monitor over these nodes, the configured primary first; nothing runs until {@link #start()}.
     *
     * @param sink receives each round's report on the monitor thread; it must be quick and must not throw
     */
    public HealthMonitor(
            List<NodeConfig> nodes, MonitorSettings settings, LagThresholds thresholds, Consumer<HealthReport> sink) {
        this.nodes = List.copyOf(nodes);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.thresholds = new AtomicReference<>(Objects.requireNonNull(thresholds, "thresholds"));
        this.sink = Objects.requireNonNull(sink, "sink");
        this.assessor = new Assessor(this.nodes.stream().map(NodeConfig::name).toList(), settings.historySize());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("pgrouter-health"));
        for (NodeConfig node : this.nodes) {
            ExecutorService thread = Executors.newSingleThreadExecutor(daemon("pgrouter-probe-" + node.name()));
            probeThreads.put(node.name(), thread);
            probes.put(node.name(), new NodeProbe(node, settings.timeout()));
        }
    }

    /**
     * Runs a first round now, so that routing starts informed, then one every interval. The first round opens every
     * probe connection (TCP, TLS, password exchange), which on a loaded machine can take longer than a probe on an
     * open connection may: it waits up to {@link #FIRST_ROUND_TIMEOUT} (or the probe timeout, if longer) before it
     * counts a node as not answering.
     */
    public void start() {
        Duration first =
                settings.timeout().compareTo(FIRST_ROUND_TIMEOUT) > 0 ? settings.timeout() : FIRST_ROUND_TIMEOUT;
        try {
            scheduler.submit(() -> round(first)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("First probe round failed", e.getCause());
        }
        long interval = settings.interval().toNanos();
        scheduler.scheduleWithFixedDelay(this::round, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * Asks for a round as soon as possible (after a role surprise or a broken connection, say). Requests made
     * before that round starts are one request; rounds never overlap.
     */
    public void probeNow() {
        if (!scheduler.isShutdown() && roundRequested.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::round);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** The thresholds in force. */
    public LagThresholds thresholds() {
        return thresholds.get();
    }

    /** Replaces the thresholds; they apply from the next probe on. */
    public void thresholds(LagThresholds next) {
        thresholds.set(Objects.requireNonNull(next, "thresholds"));
        LOG.info(
                "Lag thresholds now max-bytes={}, max-delay={}ms, rejoin-after={}",
                next.maxBytes(),
                next.maxDelay().toMillis(),
                next.rejoinAfter());
    }

    /** The probe settings. */
    public MonitorSettings settings() {
        return settings;
    }

    private void round() {
        round(settings.timeout());
    }

    private void round(Duration budget) {
        roundRequested.set(false);
        try {
            sink.accept(assessor.assess(probeAll(budget), thresholds.get(), System.nanoTime()));
        } catch (Throwable e) {
            // Whatever a round (or a listener or observer it calls) throws must not end the schedule: a task of a
            // ScheduledExecutorService that throws is never run again, and the monitor would stop for good.
            LOG.error("Probe round failed; the next round runs as planned", e);
        }
    }

    private Map<String, ProbeResult> probeAll(Duration budget) {
        long started = System.nanoTime();
        for (Map.Entry<String, NodeProbe> e : probes.entrySet()) {
            Future<ProbeResult> previous = pending.get(e.getKey());
            if (previous == null || previous.isDone()) {
                pending.put(e.getKey(), probeThreads.get(e.getKey()).submit(e.getValue()::probe));
            }
        }
        long deadline = started + budget.toNanos();
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, NodeProbe> e : probes.entrySet()) {
            Future<ProbeResult> future = pending.get(e.getKey());
            results.put(e.getKey(), await(e.getKey(), e.getValue(), future, started, deadline, budget));
        }
        return results;
    }

    private ProbeResult await(
            String node, NodeProbe probe, Future<ProbeResult> future, long started, long deadline, Duration budget) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Cut the connection so the probe thread is free by the next round; a new connection is made then.
            probe.abort();
            return Assessor.timedOut(
                    node, started, System.nanoTime() - started, "no answer within " + budget.toMillis() + " ms");
        } catch (ExecutionException | CancellationException e) {
            return ProbeResult.failed(node, started, System.nanoTime() - started, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.failed(node, started, System.nanoTime() - started, "interrupted");
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(settings.interval().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probes.values().forEach(NodeProbe::abort);
        probeThreads.values().forEach(ExecutorService::shutdownNow);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
