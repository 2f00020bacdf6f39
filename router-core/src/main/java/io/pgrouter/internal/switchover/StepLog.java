package io.pgrouter.internal.switchover;

import io.pgrouter.SwitchoverReport.StepTiming;
import io.pgrouter.SwitchoverStep;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The steps of one switchover as they run: their times for the report, a log line each, the caller's progress hook. */
final class StepLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.switchover");

    private final String id;
    private final Clock clock;
    private final Consumer<SwitchoverStep> progress;
    private final List<StepTiming> done = new ArrayList<>();
    private SwitchoverStep current;
    private Instant started;

    StepLog(String id, Clock clock, Consumer<SwitchoverStep> progress) {
        this.id = id;
        this.clock = clock;
        this.progress = progress;
    }

    /** Starts {@code step}; the previous one must have ended. */
    void begin(SwitchoverStep step) {
        current = step;
        started = clock.instant();
        try {
            progress.accept(step);
        } catch (RuntimeException e) {
            LOG.warn("Switchover {}: progress hook failed at {}", id, step, e);
        }
    }

    /** Ends the current step as done. */
    void end(String detail) {
        finish(true, detail);
        LOG.info(
                "Switchover {}: {} done in {} ms: {}",
                id,
                last().step(),
                last().duration().toMillis(),
                detail);
    }

    /** Ends the current step as failed. */
    void fail(String reason) {
        finish(false, reason);
        LOG.warn(
                "Switchover {}: {} failed after {} ms: {}",
                id,
                last().step(),
                last().duration().toMillis(),
                reason);
    }

    /** The step running now, or the last one when none is. */
    SwitchoverStep current() {
        return current;
    }

    boolean running() {
        return started != null;
    }

    List<StepTiming> steps() {
        return List.copyOf(done);
    }

    private StepTiming last() {
        return done.get(done.size() - 1);
    }

    private void finish(boolean ok, String detail) {
        done.add(new StepTiming(current, started, clock.instant(), ok, detail));
        started = null;
    }
}
