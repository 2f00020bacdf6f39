package io.pgrouter.internal.cutover;

import io.pgrouter.CutoverReport;
import io.pgrouter.CutoverReport.StepTiming;
import io.pgrouter.CutoverReport.TableCount;
import io.pgrouter.SwitchoverReport.WritePause;
import io.pgrouter.cutover.SequenceMove;
import io.pgrouter.internal.switchover.ReportText;

/** The text form of a {@link CutoverReport}: aligned lines for a terminal or a log. */
public final class CutoverReportText {

    private CutoverReportText() {}

    /** {@code report} as lines of text, ending with a line break. */
    public static String of(CutoverReport r) {
        StringBuilder out = new StringBuilder();
        ReportText.heading(
                out, "Cutover", r.id(), r.from(), r.to(), r.dryRun(), r.result(), r.failedStep(), r.reason());
        if (r.readiness() != null) {
            out.append("  readiness ")
                    .append(r.readiness().light())
                    .append(
                            r.readiness().reasons().isEmpty()
                                    ? ""
                                    : ": " + r.readiness().reasons())
                    .append('\n');
        }
        for (StepTiming s : r.steps()) {
            out.append(String.format(
                    "  %-20s %6d ms  %-4s %s%n",
                    s.step(), s.duration().toMillis(), s.ok() ? "ok" : "FAIL", s.detail()));
        }
        if (r.finalLsn() != null) {
            out.append("  WAL: source final ")
                    .append(r.finalLsn())
                    .append(", subscription confirmed ")
                    .append(r.confirmedLsn())
                    .append('\n');
        }
        out.append(String.format(
                "  %-32s %12s %12s %12s %12s%n",
                "table", "source before", "target before", "source swap", "target swap"));
        for (TableCount t : r.tables()) {
            out.append(String.format(
                    "  %-32s %12s %12s %12s %12s%n",
                    t.table(),
                    count(t.sourceBefore()),
                    count(t.targetBefore()),
                    count(t.sourceAtSwap()),
                    count(t.targetAtSwap())));
        }
        for (SequenceMove m : r.sequences()) {
            out.append("  sequence ").append(m).append('\n');
        }
        if (!r.dryRun()) {
            WritePause p = r.writePause();
            out.append(String.format(
                    "  writes held %d ms: %d waited (max %d ms, p50 %d ms, p99 %d ms), %d failed;"
                            + " %d session(s) ended by the fence%n",
                    p.held().toMillis(),
                    p.waited(),
                    p.max().toMillis(),
                    p.p50().toMillis(),
                    p.p99().toMillis(),
                    p.failed(),
                    r.terminatedSessions()));
        }
        return out.toString();
    }

    private static String count(long rows) {
        return rows < 0 ? "-" : Long.toString(rows);
    }
}
