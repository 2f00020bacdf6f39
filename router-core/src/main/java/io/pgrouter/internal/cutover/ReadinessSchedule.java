package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.CutoverReadiness;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a router's {@link CutoverReadiness#check()} on a thread of its own at a fixed interval while a cutover is
 * pending, so that its last report (what the status, the status page and the meters show) stays current without any
 * request, scrape or page view doing I/O.
 */
public final class ReadinessSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.cutover");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgrouter-cutover-readiness");
        t.setDaemon(true);
        return t;
    });
    private final BooleanSupplier pending;
    private final Supplier<CutoverReadiness> readiness;
    private volatile boolean warned;

    private ReadinessSchedule(BooleanSupplier pending, Supplier<CutoverReadiness> readiness) {
        this.pending = pending;
        this.readiness = readiness;
    }

    /**
     * Starts checking at once, then every {@code interval} after the previous check ended (checks never overlap).
     *
     * @param pending whether a cutover is still pending; no check runs once it is not
     * @param readiness the router's readiness (the same object every time, so that its stable period accumulates)
     */
    public static ReadinessSchedule start(
            Duration interval, BooleanSupplier pending, Supplier<CutoverReadiness> readiness) {
        ReadinessSchedule schedule = new ReadinessSchedule(pending, readiness);
        schedule.timer.scheduleWithFixedDelay(schedule::checkOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return schedule;
    }

    private void checkOnce() {
        try {
            if (pending.getAsBoolean()) {
                readiness.get().check();
            }
        } catch (RuntimeException e) {
            // A check reports database problems in its light; this is a bug or a cutover that ended meanwhile.
            // Thrown out of the task, it would end the schedule; logged once, it would not flood the log.
            if (!warned) {
                warned = true;
                LOG.warn("Scheduled cutover readiness check failed; the next ones keep running", e);
            }
        }
    }

    /** Stops the checks; a check that runs is interrupted and waited for at most 5 s (its queries are bounded). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The cutover readiness check did not end within 5 s of the router's close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
