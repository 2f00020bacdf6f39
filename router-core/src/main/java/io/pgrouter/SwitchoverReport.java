package io.pgrouter;

import io.pgrouter.internal.switchover.ReportJson;
import io.pgrouter.internal.switchover.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@linkplain RoutingDataSource#switchover switchover} (or its dry run) did: the checks, each step's times,
 * the WAL positions, how the writes held by this router fared, and the result. {@link #toJson()} and
 * {@link #toText()} give it whole; the JSON shape is in {@code docs/switchover.md}.
 *
 * @param id the switchover's id (also in the announcement on the primary and in the logs)
 * @param from the node that was primary when it started
 * @param to the target node
 * @param dryRun whether it was a dry run
 * @param result how it ended
 * @param failedStep the step that failed, {@code null} when none did
 * @param reason why it failed, {@code null} when it did not
 * @param checks every pre-check, passed or not
 * @param steps each step that ran, in order
 * @param finalLsn the old primary's final WAL position, {@code null} before it was read
 * @param targetReplayedLsn what the target had replayed when it was promoted (or at the last look), {@code null} unknown
 * @param writePause the writes this router held
 * @param terminatedSessions sessions on the old primary that the fence ended
 * @param estimatesMillis a dry run's estimates, by name, in ms (empty for a real run)
 */
public record SwitchoverReport(
        String id,
        String from,
        String to,
        boolean dryRun,
        Result result,
        SwitchoverStep failedStep,
        String reason,
        List<Check> checks,
        List<StepTiming> steps,
        String finalLsn,
        String targetReplayedLsn,
        WritePause writePause,
        int terminatedSessions,
        Map<String, Long> estimatesMillis) {

    public SwitchoverReport {
        checks = List.copyOf(checks);
        steps = List.copyOf(steps);
        estimatesMillis = Map.copyOf(estimatesMillis);
    }

    /** How a switchover ended. */
    public enum Result {
        /** The target is the primary and writes go there. */
        COMPLETED,
        /** A dry run whose checks all passed. */
        DRY_RUN_PASSED,
        /** A pre-check failed: nothing was changed. */
        CHECKS_FAILED,
        /** A step failed before the promotion: the old primary was given back, writes carried on there. */
        ABORTED,
        /**
         * A step failed at or after the promotion: the target may be the primary; the old primary stays fenced. The
         * health monitor routes writes to whichever node answers as the primary; an operator must look.
         */
        FAILED_AFTER_PROMOTION
    }

    /** Whether the primary moved. */
    public boolean completed() {
        return result == Result.COMPLETED;
    }

    /** The timing of {@code step}, if it ran. */
    public Optional<StepTiming> step(SwitchoverStep step) {
        return steps.stream().filter(s -> s.step() == step).findFirst();
    }

    /** From the first step's start to the last one's end. */
    public Duration duration() {
        return steps.isEmpty()
                ? Duration.ZERO
                : Duration.between(
                        steps.get(0).start(), steps.get(steps.size() - 1).end());
    }

    /** The report as one JSON object. */
    public String toJson() {
        return ReportJson.of(this);
    }

    /** The report as lines of text for a terminal or a log. */
    public String toText() {
        return ReportText.of(this);
    }

    @Override
    public String toString() {
        return "SwitchoverReport[" + id + " " + from + " -> " + to + (dryRun ? " (dry run)" : "") + ": " + result
                + (failedStep == null ? "" : " at " + failedStep + ": " + reason) + "]";
    }

    /**
     * One pre-check.
     *
     * @param name what was checked, such as {@code target-streaming}
     * @param passed whether it passed
     * @param detail what was found
     */
    public record Check(String name, boolean passed, String detail) {}

    /**
     * One step as it ran.
     *
     * @param step the step
     * @param start when it started
     * @param end when it ended
     * @param ok whether it succeeded
     * @param detail what it found or did
     */
    public record StepTiming(SwitchoverStep step, Instant start, Instant end, boolean ok, String detail) {

        /** How long it took. */
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    /**
     * The new writes this router held while its gate was closed.
     *
     * @param held how long the gate was closed
     * @param waited writes that were held and then went ahead
     * @param failed writes that were still held at {@code max-pause} and failed
     * @param max the longest wait of a write that went ahead
     * @param p50 the median wait
     * @param p99 the 99th percentile wait
     */
    public record WritePause(Duration held, int waited, int failed, Duration max, Duration p50, Duration p99) {

        /** No write held. */
        public static final WritePause NONE =
                new WritePause(Duration.ZERO, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
