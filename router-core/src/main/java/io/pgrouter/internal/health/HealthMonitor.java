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

    private final MonitorSettings settings;
    private final AtomicReference<LagThresholds> thresholds;
    private final Consumer<HealthReport> sink;
    private final Map<String, NodeProbe> probes = new LinkedHashMap<>();
    private final Map<String, ExecutorService> probeThreads = new HashMap<>();
    private final Map<String, Future<ProbeResult>> pending = new HashMap<>();
    /**
     * Nodes added at run time whose first probe has not answered yet, with when they were added: that probe opens
     * the connection (TCP, TLS, password exchange), which may take longer than a round may wait. Until
     * {@link #FIRST_ROUND_TIMEOUT} has passed it is left running across rounds, and the node stays "not probed
     * yet" rather than failed (as the first round at start waits longer). Monitor thread only.
     */
    private final Map<String, Long> joining = new HashMap<>();

    private final Assessor assessor;
    private final ScheduledExecutorService scheduler;
    /** How long adding or removing a node may wait for the round under way to end. */
    static final Duration MEMBERSHIP_CHANGE_TIMEOUT = Duration.ofSeconds(10);

    private volatile Thread monitorThread;
    private final java.util.concurrent.atomic.AtomicBoolean roundRequested =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * A monitor over these nodes, the configured primary first; nothing runs until {@link #start()}.
     *
     * @param sink receives each round's report on the monitor thread; it must be quick and must not throw
     */
    public HealthMonitor(
            List<NodeConfig> nodes, MonitorSettings settings, LagThresholds thresholds, Consumer<HealthReport> sink) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.thresholds = new AtomicReference<>(Objects.requireNonNull(thresholds, "thresholds"));
        this.sink = Objects.requireNonNull(sink, "sink");
        this.assessor = new Assessor(nodes.stream().map(NodeConfig::name).toList(), settings.historySize());
        java.util.concurrent.ThreadFactory monitorThreads = daemon("pgrouter-health");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = monitorThreads.newThread(r);
            monitorThread = t;
            return t;
        });
        nodes.forEach(this::startProbing);
    }

    private void startProbing(NodeConfig node) {
        ExecutorService thread = Executors.newSingleThreadExecutor(daemon("pgrouter-probe-" + node.name()));
        probeThreads.put(node.name(), thread);
        probes.put(node.name(), new NodeProbe(node, settings.timeout()));
    }

    /**
     * Probes a node added at run time from the next round on (assessed as a replica not probed yet), and asks for
     * that round now. Runs on the monitor thread between two rounds, then {@code then} there before the next round
     * (the caller publishes the node there, so that no round reports on a node the topology does not hold);
     * returns when both ran.
     *
     * @throws IllegalArgumentException if a node of that name is probed already
     */
    public void addNode(NodeConfig node, Runnable then) {
        betweenRounds(() -> {
            if (probes.containsKey(node.name())) {
                throw new IllegalArgumentException("node '" + node.name() + "' is probed already");
            }
            assessor.add(node.name());
            startProbing(node);
            joining.put(node.name(), System.nanoTime());
            then.run();
        });
        probeNow();
    }

    /**
     * Stops probing a node removed at run time: between two rounds, on the monitor thread, then runs {@code then}
     * there; returns when both ran. Unknown names are ignored.
     *
     * @throws IllegalArgumentException if the node is the one taken as primary
     */
    public void removeNode(String name, Runnable then) {
        betweenRounds(() -> {
            if (probes.containsKey(name)) {
                assessor.remove(name);
                NodeProbe probe = probes.remove(name);
                Future<ProbeResult> running = pending.remove(name);
                if (running != null) {
                    running.cancel(true);
                }
                probe.abort();
                probeThreads.remove(name).shutdownNow();
                joining.remove(name);
            }
            then.run();
        });
    }

    /**
     * Runs {@code change} on the monitor thread, never during a round, and waits for it; on the monitor thread
     * itself (a listener, say) it runs at once.
     */
    private void betweenRounds(Runnable change) {
        if (Thread.currentThread() == monitorThread) {
            change.run();
            return;
        }
        Future<?> done;
        try {
            done = scheduler.submit(change);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the health monitor is closed", e);
        }
        try {
            // A round lasts at most the probe timeout (the first one, FIRST_ROUND_TIMEOUT): this is generous.
            done.get(MEMBERSHIP_CHANGE_TIMEOUT.toMillis() + settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the health monitor took a membership change", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("membership change failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the health monitor did not take the membership change within "
                    + MEMBERSHIP_CHANGE_TIMEOUT.toSeconds() + " s; it runs when the monitor gets to it");
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
                "Lag thresholds now max-bytes={}, max-delay={}ms, rejoin-after={}, primary-away-max-delay={}ms",
                next.maxBytes(),
                next.maxDelay().toMillis(),
                next.rejoinAfter(),
                next.primaryAwayMaxDelay().toMillis());
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
                NodeProbe probe = e.getValue();
                pending.put(
                        e.getKey(),
                        probeThreads
                                .get(e.getKey())
                                .submit(joining.containsKey(e.getKey()) ? () -> firstProbe(probe) : probe::probe));
            }
        }
        long deadline = started + budget.toNanos();
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, NodeProbe> e : probes.entrySet()) {
            Future<ProbeResult> future = pending.get(e.getKey());
            Long joined = joining.get(e.getKey());
            if (joined != null) {
                if (!future.isDone()
                        && System.nanoTime() - joined < FIRST_ROUND_TIMEOUT.toNanos()
                        && !done(future, deadline)) {
                    continue; // no news yet: the assessor keeps it "not probed yet"
                }
                joining.remove(e.getKey());
            }
            results.put(e.getKey(), await(e.getKey(), e.getValue(), future, started, deadline, budget));
        }
        return results;
    }

    /**
     * The first probe of a node that joined at run time, which may outlast the round that started it: a round runs
     * as soon as it answers, so that a healthy node takes reads then rather than at the next interval.
     */
    private ProbeResult firstProbe(NodeProbe probe) {
        try {
            return probe.probe();
        } finally {
            probeNow();
        }
    }

    /** Whether {@code future} completes by {@code deadline}, waiting for it until then. */
    private static boolean done(Future<ProbeResult> future, long deadline) {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException | CancellationException e) {
            return true;
        }
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
