package io.pgrouter.benchmarks.soak;

import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.benchmarks.report.Table;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Entry: the soak ({@link SoakRun}), 30 minutes (5 with {@code --quick}); a table per minute of requests, failures
 * and resources, a small plot of each resource, and whether each stayed flat. {@code SoakIT} runs a 2-minute form in
 * {@code ./mvnw verify}.
 */
public final class SoakEntry implements Entry {

    static final SoakRun.Settings FULL = new SoakRun.Settings(
            Duration.ofMinutes(30), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), 50);
    static final SoakRun.Settings QUICK = new SoakRun.Settings(
            Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), 50);

    private static final String BARS = "▁▂▃▄▅▆▇█";

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public String title() {
        return "5. Soak: the demo's load for a long run with faults on a schedule; heap, threads, connections, descriptors";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        SoakRun.Settings settings = context.quick() ? QUICK : FULL;
        SoakRun.Result result = SoakRun.run(
                settings,
                builder -> {
                    try {
                        return context.startCluster(builder);
                    } catch (SQLException e) {
                        throw new IllegalStateException("the soak's cluster did not start", e);
                    }
                },
                line -> context.log("%s", line));
        report(result, report);
    }

    /** Fills {@code report} with the tables, plots, goals and notes of a soak. */
    static void report(SoakRun.Result result, EntryReport report) {
        SoakRun.Settings s = result.settings();
        perMinute(result, report);
        Table flat = report.table(
                "Flat or not: the first window after the warm-up (its median; for connections and sessions, which dip while"
                        + " a node is down, its highest) against the last window's median",
                "series",
                "first window",
                "last window",
                "allowed",
                "least-squares slope per hour",
                "verdict");
        for (Flatness f : result.flatness()) {
            flat.row(
                    f.metric(),
                    round(f.firstWindow()),
                    round(f.lastWindow()),
                    round(f.allowed()),
                    String.format(Locale.ROOT, "%+.1f", f.slopePerHour()),
                    f.flat() ? "flat" : "GROWING");
            report.goal(f.metric() + " flat", f.flat(), f.describe());
        }
        Table faults = report.table("Faults", "fault", "started s", "healed s", "error");
        result.faults()
                .forEach(f ->
                        faults.row(f.fault().title(), round(f.startSeconds()), round(f.healedSeconds()), f.error()));
        Table reasons = report.table("Failed requests by reason", "request: reason", "count");
        Map<String, Long> byReason = new TreeMap<>();
        // The service's error answers hold a timestamp and the order's id: one row each without this.
        result.failuresByReason()
                .forEach((reason, n) -> byReason.merge(
                        reason.replaceAll("\"timestamp\":\"[^\"]*\",?", "").replaceAll("/\\d+", "/{id}"),
                        n,
                        Long::sum));
        byReason.forEach((reason, n) -> reasons.row(reason, n));
        report.value("requests.succeeded", result.succeeded());
        report.value("requests.failedExplained", result.failedExplained());
        report.value("requests.failedUnexplained", result.failedUnexplained());
        report.value("faults", result.faults().size());
        report.goal(
                "0 failed requests apart from those the faults explain",
                result.failedUnexplained() == 0,
                result.failedUnexplained() + " unexplained, " + result.failedExplained() + " during or within "
                        + SoakRun.FAULT_GRACE.toSeconds() + " s after a fault, " + result.succeeded() + " succeeded");
        report.goal(
                "every fault healed",
                result.faults().stream().allMatch(f -> f.error() == null),
                result.faults().size() + " faults");
        plots(result, report);
        report.note(String.format(
                Locale.ROOT,
                "The orders service (the demo's Spring Boot app, pgrouter inside) on a primary and one replica, driven over"
                        + " HTTP by the demo's load (pools of a fixed 10 connections per node): %d writes/s (orders created, updated, deleted) and %d dashboard reads/s."
                        + " Resources sampled every %d s, each sample after System.gc(). Quiet warm-up (first 10%%), then the"
                        + " faults in turn (replica stopped %d s, replay paused %d s, promotion with the old primary rejoined),"
                        + " %d s apart, until 75%% of the run; the last quarter is quiet. Flat: the last quarter's median is at"
                        + " most the first quarter's (after the warm-up) plus the tolerance shown.",
                s.writesPerSecond(),
                2 * s.writesPerSecond(),
                s.sampleEvery().toSeconds(),
                s.hold().toSeconds(),
                s.hold().toSeconds(),
                s.gap().toSeconds()));
    }

    private static void perMinute(SoakRun.Result result, EntryReport report) {
        Table table = report.table(
                "Per minute (resources: the highest sample of the minute)",
                "minute",
                "requests ok",
                "failed, fault",
                "failed, other",
                "heap after GC MB",
                "threads (outside worker pools)",
                "open fds",
                "pool connections per node",
                "server sessions per node",
                "faults started");
        int minutes = (int) Math.ceil(result.settings().duration().toSeconds() / 60.0);
        for (int m = 0; m < minutes; m++) {
            double from = m * 60.0;
            double to = from + 60;
            List<SoakRun.Second> secs = result.seconds().stream()
                    .filter(x -> x.seconds() > from && x.seconds() <= to)
                    .toList();
            List<ResourceSample> samples = result.samples().stream()
                    .filter(x -> x.seconds() >= from && x.seconds() < to)
                    .toList();
            long explained = secs.stream()
                    .filter(x -> result.faults().stream().anyMatch(f -> f.explains(x.seconds())))
                    .mapToLong(SoakRun.Second::failed)
                    .sum();
            long failed = secs.stream().mapToLong(SoakRun.Second::failed).sum();
            table.row(
                    m + 1,
                    secs.stream().mapToLong(SoakRun.Second::succeeded).sum(),
                    explained,
                    failed - explained,
                    round(max(samples, x -> x.heapAfterGcBytes() / 1048576.0)),
                    (long) max(samples, ResourceSample::threads) + " ("
                            + (long) max(samples, ResourceSample::fixedThreads) + ")",
                    (long) max(samples, ResourceSample::openFiles),
                    perNode(samples, ResourceSample::poolConnections),
                    perNode(samples, ResourceSample::serverSessions),
                    String.join(
                            ", ",
                            result.faults().stream()
                                    .filter(f -> f.startSeconds() >= from && f.startSeconds() < to)
                                    .map(f -> f.fault().name().toLowerCase(Locale.ROOT))
                                    .toList()));
        }
    }

    private static String perNode(
            List<ResourceSample> samples, java.util.function.Function<ResourceSample, Map<String, Integer>> f) {
        Map<String, Integer> highest = new TreeMap<>();
        samples.forEach(s -> f.apply(s).forEach((node, n) -> highest.merge(node, n, Math::max)));
        List<String> parts = new ArrayList<>();
        highest.forEach((node, n) -> parts.add(node + " " + n));
        return String.join(", ", parts);
    }

    private static double max(List<ResourceSample> samples, ToDoubleFunction<ResourceSample> f) {
        return samples.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    /** One row per series, one bar per sample scaled from the series' lowest to its highest value. */
    private static void plots(SoakRun.Result result, EntryReport report) {
        Table table = report.table(
                "Samples over the run, one bar each, scaled from the lowest to the highest",
                "series",
                "range",
                "samples");
        plot(table, "heap after GC MB", result.samples(), s -> s.heapAfterGcBytes() / 1048576.0);
        plot(table, "threads", result.samples(), ResourceSample::threads);
        plot(table, "threads outside worker pools", result.samples(), ResourceSample::fixedThreads);
        plot(table, "open fds", result.samples(), ResourceSample::openFiles);
        plot(table, "pool connections", result.samples(), ResourceSample::totalPoolConnections);
    }

    private static void plot(
            Table table, String name, List<ResourceSample> samples, ToDoubleFunction<ResourceSample> f) {
        double lo = samples.stream().mapToDouble(f).min().orElse(0);
        double hi = samples.stream().mapToDouble(f).max().orElse(0);
        StringBuilder bars = new StringBuilder("`");
        for (ResourceSample s : samples) {
            double v = f.applyAsDouble(s);
            int i = hi == lo ? 0 : (int) Math.round((v - lo) / (hi - lo) * (BARS.length() - 1));
            bars.append(BARS.charAt(i));
        }
        table.row(name, round(lo) + " .. " + round(hi), bars.append('`'));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
