package io.pgrouter.internal.switchover;

import io.pgrouter.SwitchoverReport;
import io.pgrouter.SwitchoverReport.Check;
import io.pgrouter.SwitchoverReport.StepTiming;
import io.pgrouter.SwitchoverReport.WritePause;
import java.util.Map;
import java.util.TreeMap;

/** The text form of a {@link SwitchoverReport}: a few aligned lines for a terminal or a log. */
public final class ReportText {

    private ReportText() {}

    /** {@code report} as lines of text, ending with a line break. */
    public static String of(SwitchoverReport r) {
        StringBuilder out = new StringBuilder();
        heading(out, "Switchover", r.id(), r.from(), r.to(), r.dryRun(), r.result(), r.failedStep(), r.reason());
        for (Check c : r.checks()) {
            if (!c.passed()) {
                out.append(String.format("  check failed: %-24s %s%n", c.name(), c.detail()));
            }
        }
        for (StepTiming s : r.steps()) {
            out.append(String.format(
                    "  %-15s %6d ms  %-4s %s%n",
                    s.step(), s.duration().toMillis(), s.ok() ? "ok" : "FAIL", s.detail()));
        }
        if (r.finalLsn() != null) {
            out.append("  WAL: old primary final ")
                    .append(r.finalLsn())
                    .append(", target replayed ")
                    .append(r.targetReplayedLsn())
                    .append('\n');
        }
        WritePause p = r.writePause();
        if (!r.dryRun()) {
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
        for (Map.Entry<String, Long> e : new TreeMap<>(r.estimatesMillis()).entrySet()) {
            out.append(String.format("  estimate %-28s %d%n", e.getKey(), e.getValue()));
        }
        return out.toString();
    }

    /** The first two lines of a report: what moved where, and how it ended. The cutover's report starts the same way. */
    public static void heading(
            StringBuilder out,
            String kind,
            String id,
            String from,
            String to,
            boolean dryRun,
            Object result,
            Object failedStep,
            String reason) {
        out.append(kind)
                .append(' ')
                .append(id)
                .append(": ")
                .append(from)
                .append(" -> ")
                .append(to)
                .append(dryRun ? " (dry run)" : "")
                .append('\n');
        out.append("  result: ").append(result);
        if (failedStep != null) {
            out.append(" at ").append(failedStep).append(": ").append(reason);
        }
        out.append('\n');
    }
}
