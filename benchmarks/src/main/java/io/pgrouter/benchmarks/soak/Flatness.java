package io.pgrouter.benchmarks.soak;

import io.pgrouter.benchmarks.Stats;
import java.util.List;
import java.util.Locale;

/**
 * Whether a series sampled over a soak stayed flat: the median of its last window may exceed the median of its first
 * window by a tolerance (relative plus absolute), no more. Medians, so that one sample taken in the middle of a fault
 * does not decide; a least-squares slope per hour over both windows and everything between is reported beside it.
 *
 * @param metric what was sampled, for reports
 * @param firstWindow median (or highest value) of the first window
 * @param lastWindow median of the last window
 * @param allowed the highest last-window median that still counts as flat
 * @param slopePerHour the least-squares slope of the series after the warm-up, in the series' unit per hour
 * @param flat whether {@code lastWindow <= allowed}
 */
record Flatness(
        String metric, double firstWindow, double lastWindow, double allowed, double slopePerHour, boolean flat) {

    /** One sampled value, {@code seconds} after the soak started. */
    record Point(double seconds, double value) {}

    /**
     * Judges a series. The first {@code warmUpShare} of the points is left out (class loading, pools filling); of the
     * rest, the first and the last {@code windowShare} are compared.
     *
     * @throws IllegalArgumentException when fewer than 4 points remain after the warm-up, or a share is outside (0, 0.5]
     */
    static Flatness judge(
            String metric,
            List<Point> points,
            double warmUpShare,
            double windowShare,
            double relativeTolerance,
            double absoluteTolerance) {
        return judge(metric, points, warmUpShare, windowShare, relativeTolerance, absoluteTolerance, false);
    }

    /**
     * As {@link #judge(String, List, double, double, double, double)}; with {@code highestFirst} the first window's
     * highest value is the baseline rather than its median: for counts that dip while a fault holds a node down
     * (connections refill after it), where a median taken during the dip would make a steady count look like growth.
     */
    static Flatness judge(
            String metric,
            List<Point> points,
            double warmUpShare,
            double windowShare,
            double relativeTolerance,
            double absoluteTolerance,
            boolean highestFirst) {
        if (!(warmUpShare >= 0 && warmUpShare < 0.5) || !(windowShare > 0 && windowShare <= 0.5)) {
            throw new IllegalArgumentException("warm-up share must be in [0, 0.5) and window share in (0, 0.5], were "
                    + warmUpShare + " and " + windowShare);
        }
        List<Point> settled = points.subList((int) Math.floor(points.size() * warmUpShare), points.size());
        if (settled.size() < 4) {
            throw new IllegalArgumentException(metric + ": " + settled.size()
                    + " samples after the warm-up, at least 4 are needed to judge flatness");
        }
        int window = Math.max(2, (int) Math.round(settled.size() * windowShare));
        List<Double> firstValues = values(settled.subList(0, window));
        double first = highestFirst ? Stats.max(firstValues) : Stats.median(firstValues);
        double last = Stats.median(values(settled.subList(settled.size() - window, settled.size())));
        double allowed = first * (1 + relativeTolerance) + absoluteTolerance;
        return new Flatness(metric, first, last, allowed, slopePerHour(settled), last <= allowed);
    }

    private static List<Double> values(List<Point> points) {
        return points.stream().map(Point::value).toList();
    }

    /** Ordinary least squares over (seconds, value), scaled to an hour; 0 when every point has the same time. */
    static double slopePerHour(List<Point> points) {
        double n = points.size();
        double meanT = points.stream().mapToDouble(Point::seconds).sum() / n;
        double meanV = points.stream().mapToDouble(Point::value).sum() / n;
        double cov = 0;
        double var = 0;
        for (Point p : points) {
            cov += (p.seconds() - meanT) * (p.value() - meanV);
            var += (p.seconds() - meanT) * (p.seconds() - meanT);
        }
        return var == 0 ? 0 : cov / var * 3600;
    }

    /** {@code heap MB: 41.2 -> 42.0 (allowed 57.4), slope +1.3/h: flat}. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "%s: %.1f -> %.1f (allowed %.1f), slope %+.1f/h: %s",
                metric,
                firstWindow,
                lastWindow,
                allowed,
                slopePerHour,
                flat ? "flat" : "GROWING");
    }
}
