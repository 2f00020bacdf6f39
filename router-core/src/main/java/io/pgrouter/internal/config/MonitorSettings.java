package io.pgrouter.internal.config;

import java.time.Duration;

/**
 * How the health monitor probes.
 *
 * @param interval time between probe rounds
 * @param timeout how long a probe may take before it counts as failed and its connection is cut; below the interval
 * @param historySize how many primary position changes the lag-in-time history keeps
 */
public record MonitorSettings(Duration interval, Duration timeout, int historySize) {

    /** Primary position changes kept for lag in time: at one a probe, 4096 cover half an hour at 500 ms. */
    public static final int DEFAULT_HISTORY_SIZE = 4096;

    public MonitorSettings {
        if (interval == null || interval.compareTo(Duration.ofMillis(50)) < 0) {
            throw new IllegalArgumentException("pgrouter.probe.interval must be at least 50ms, was " + interval);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) >= 0) {
            throw new IllegalArgumentException(
                    "pgrouter.probe.timeout must be positive and below pgrouter.probe.interval (" + interval.toMillis()
                            + "ms), was " + timeout);
        }
        if (historySize < 2) {
            throw new IllegalArgumentException("history size must be at least 2, was " + historySize);
        }
    }

    /** Probes every {@code interval}, with a timeout of 80% of it. */
    public static MonitorSettings every(Duration interval) {
        return new MonitorSettings(interval, interval.multipliedBy(4).dividedBy(5), DEFAULT_HISTORY_SIZE);
    }
}
