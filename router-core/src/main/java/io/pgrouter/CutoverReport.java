package io.pgrouter;

import io.pgrouter.SwitchoverReport.WritePause;
import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.SequenceMove;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a {@linkplain RoutingDataSource#cutover cutover} (or its dry run) did: the readiness it started from, each
 * step's times, the WAL positions, the row counts per table before and at the swap, the sequences moved, how the
 * writes held by this router fared, and the result. {@link #toJson()} and {@link #toText()} give it whole; the JSON
 * shape is in {@code docs/cutover.md}.
 *
 * @param id the cutover's id (also in the announcement on the source and in the logs)
 * @param from the source's primary
 * @param to the target's primary
 * @param dryRun whether it was a dry run
 * @param result how it ended
 * @param failedStep the step that failed, {@code null} when none did
 * @param reason why it failed, {@code null} when it did not
 * @param readiness the readiness check of the pre-checks, {@code null} when it did not run
 * @param steps each step that ran, in order
 * @param finalLsn the source's final WAL position once fenced, {@code null} before it was read
 * @param confirmedLsn what the subscription had confirmed at the last look, {@code null} unknown
 * @param tables row counts per table: at the pre-check, and inside the gate before the swap
 * @param sequences the sequences synchronized inside the gate (in a dry run: what would move)
 * @param writePause the writes this router held
 * @param terminatedSessions sessions on the source that the fence ended
 */
public record CutoverReport(
        String id,
        String from,
        String to,
        boolean dryRun,
        Result result,
        CutoverStep failedStep,
        String reason,
        ReadinessReport readiness,
        List<StepTiming> steps,
        String finalLsn,
        String confirmedLsn,
        List<TableCount> tables,
        List<SequenceMove> sequences,
        WritePause writePause,
        int terminatedSessions) {

    public CutoverReport {
        steps = List.copyOf(steps);
        tables = List.copyOf(tables);
        sequences = List.copyOf(sequences);
    }

    /** How a cutover ended. */
    public enum Result {
        /** Writes go to the target cluster. */
        COMPLETED,
        /** A dry run whose checks all passed. */
        DRY_RUN_PASSED,
        /** A pre-check failed: nothing was changed. */
        CHECKS_FAILED,
        /** A step failed before the swap: the source was given back, writes carried on there. */
        ABORTED,
        /** A step after the swap failed (disabling the subscription, retiring the source): writes go to the target. */
        COMPLETED_WITH_WARNINGS
    }

    /** Whether writes go to the target now. */
    public boolean completed() {
        return result == Result.COMPLETED || result == Result.COMPLETED_WITH_WARNINGS;
    }

    /** The timing of {@code step}, if it ran. */
    public Optional<StepTiming> step(CutoverStep step) {
        return steps.stream().filter(s -> s.step() == step).findFirst();
    }

    /** From the first step's start to the last one's end. */
    public Duration duration() {
        return steps.isEmpty()
                ? Duration.ZERO
                : Duration.between(
                        steps.get(0).start(), steps.get(steps.size() - 1).end());
    }

    /**
     * The report as one JSON object.
     *
     * @throws IllegalStateException without Jackson ({@code tools.jackson.core:jackson-core}, an optional dependency)
     */
    public String toJson() {
        io.pgrouter.internal.OptionalJackson.require("CutoverReport.toJson()");
        return io.pgrouter.internal.cutover.CutoverReportJson.of(this);
    }

    /** The report as lines of text for a terminal or a log. */
    public String toText() {
        return io.pgrouter.internal.cutover.CutoverReportText.of(this);
    }

    @Override
    public String toString() {
        return "CutoverReport[" + id + " " + from + " -> " + to + (dryRun ? " (dry run)" : "") + ": " + result
                + (failedStep == null ? "" : " at " + failedStep + ": " + reason) + "]";
    }

    /**
     * One step as it ran.
     *
     * @param step the step
     * @param start when it started
     * @param end when it ended
     * @param ok whether it succeeded
     * @param detail what it found or did
     */
    public record StepTiming(CutoverStep step, Instant start, Instant end, boolean ok, String detail) {

        /** How long it took. */
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    /**
     * One table's rows on both sides, {@code -1} where not counted (an estimate-only table, a step that did not run).
     *
     * @param table the table, schema-qualified
     * @param sourceBefore the source's rows at the pre-check
     * @param targetBefore the target's rows at the pre-check
     * @param sourceAtSwap the source's rows inside the gate, once the subscription confirmed the final position
     * @param targetAtSwap the target's rows then; equal to {@code sourceAtSwap} for a cutover that swapped
     */
    public record TableCount(
            String table, long sourceBefore, long targetBefore, long sourceAtSwap, long targetAtSwap) {}
}
