package io.pgrouter.internal.cutover;

import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.WriteGate;
import io.pgrouter.internal.config.RouterConfig;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.SwitchoverSignal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a router follow a cutover that another router runs: while the source carries the signal
 * {@value Cutover#SIGNAL_RUNNING} (its write gate holds writes meanwhile, as for a switchover), it starts the target's
 * runtime; once the signal says {@value Cutover#SIGNAL_DONE}, it swaps to it, releases its held writes there and
 * retires the source's runtime. A signal that disappears (the cutover was aborted) closes the prepared runtime. The
 * work runs on a thread of its own, never on the monitor's.
 */
public final class CutoverFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.cutover");
    private static final Duration RETIRE_TIMEOUT = Duration.ofSeconds(30);

    private final RuntimeHost host;
    private final RouterConfig targetConfig;
    private final Supplier<String> localCutover;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pgrouter-cutover-follower");
        t.setDaemon(true);
        return t;
    });
    /** The signal last handed to the worker, so that each change is handed over once. */
    private volatile String lastSeen = "";

    private volatile boolean warned;
    // Touched on the worker only.
    private RouterRuntime prepared;
    private String preparedFor;

    /**
     * @param targetConfig the target's configuration, {@code null} when none is configured (the router cannot follow)
     * @param localCutover the id of the cutover this router runs itself, which it must not follow
     */
    public CutoverFollower(RuntimeHost host, RouterConfig targetConfig, Supplier<String> localCutover) {
        this.host = host;
        this.targetConfig = targetConfig;
        this.localCutover = localCutover;
    }

    /** The probe-round observer to add to {@code watched}: it acts only while {@code watched} is the one in use. */
    public Consumer<HealthReport> observerOf(RouterRuntime watched) {
        return report -> onRound(watched, report.switchover());
    }

    private void onRound(RouterRuntime watched, SwitchoverSignal signal) {
        if (host.runtime() != watched) {
            return;
        }
        boolean cutover = signal != null
                && (Cutover.SIGNAL_RUNNING.equals(signal.target()) || Cutover.SIGNAL_DONE.equals(signal.target()));
        String seen = cutover ? signal.id() + ";" + signal.target() : "";
        if (seen.equals(lastSeen) || (cutover && signal.id().equals(localCutover.get()))) {
            return;
        }
        lastSeen = seen;
        if (cutover && targetConfig == null) {
            if (!warned) {
                warned = true;
                LOG.error(
                        "Cutover {} announced on the source, but this router has no cutover target configured"
                                + " (pgrouter.cutover.target / RoutingDataSource.Builder.cutoverTarget): it cannot"
                                + " follow, and its writes fail once the source is fenced",
                        signal.id());
            }
            return;
        }
        try {
            worker.execute(() -> follow(watched, cutover ? signal : null));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void follow(RouterRuntime watched, SwitchoverSignal signal) {
        try {
            if (signal == null) {
                closePrepared("the cutover is no longer announced (aborted?)");
                return;
            }
            if (prepared == null || !signal.id().equals(preparedFor)) {
                closePrepared("another cutover is announced");
                LOG.info("Cutover {} announced on the source: starting the target's runtime", signal.id());
                prepared = host.startTarget(targetConfig);
                preparedFor = signal.id();
            }
            if (Cutover.SIGNAL_DONE.equals(signal.target()) && host.runtime() == watched) {
                RouterRuntime next = prepared;
                prepared = null;
                host.swap(watched, next);
                WriteGate.Closure held = watched.router().writeGate().closure();
                if (held != null) {
                    watched.router().writeGate().open(held);
                }
                LOG.info(
                        "Cutover {}: followed; writes go to '{}'",
                        signal.id(),
                        next.config().primary().name());
                host.retire(watched, RETIRE_TIMEOUT);
            }
        } catch (RuntimeException e) {
            LOG.error("Cannot follow cutover {}: {}", signal == null ? "" : signal.id(), e.getMessage(), e);
            lastSeen = ""; // try again at the next round
        }
    }

    private void closePrepared(String why) {
        if (prepared != null) {
            LOG.info("Closing the target runtime prepared for cutover {}: {}", preparedFor, why);
            prepared.close();
            prepared = null;
            preparedFor = null;
        }
    }

    /** Stops following; closes a runtime prepared for a cutover that did not happen. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RouterRuntime left = prepared;
        if (left != null) {
            left.close();
        }
    }

    @Override
    public String toString() {
        return "CutoverFollower[" + (targetConfig == null ? "no target" : Objects.toString(targetConfig.primary()))
                + "]";
    }
}
