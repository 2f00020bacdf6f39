package io.pgrouter.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median and maximum of a few trials, as the detection entries report them. */
public final class Stats {

    private Stats() {}

    /** The median; for an even count the mean of the middle two; NaN when empty. */
    public static double median(List<? extends Number> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>();
        values.forEach(v -> sorted.add(v.doubleValue()));
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The maximum; NaN when empty. */
    public static double max(List<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
    }
}
