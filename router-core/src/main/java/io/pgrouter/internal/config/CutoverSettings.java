package io.pgrouter.internal.config;

import java.time.Duration;

/**
 * How a router with a cutover target watches its readiness ({@code pgrouter.cutover.readiness.*}).
 *
 * @param checkInterval how often a background check reads both clusters while the cutover is pending
 * @param stableFor how long every condition of GREEN must hold before the light is GREEN
 */
public record CutoverSettings(Duration checkInterval, Duration stableFor) {

    /** Default {@link #checkInterval()}: a few seconds keep the light current at two small queries per side. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Default {@link #stableFor()}, as {@code CutoverReadiness}'s. */
    public static final Duration DEFAULT_STABLE_FOR = Duration.ofSeconds(30);
    /** The shortest interval: each check opens a connection to each cluster. */
    public static final Duration SHORTEST_CHECK_INTERVAL = Duration.ofMillis(100);

    public static final CutoverSettings DEFAULTS = new CutoverSettings(DEFAULT_CHECK_INTERVAL, DEFAULT_STABLE_FOR);

    /**
     * @throws IllegalArgumentException naming the key and the value when a value is out of range
     */
    public CutoverSettings {
        if (checkInterval == null || checkInterval.compareTo(SHORTEST_CHECK_INTERVAL) < 0) {
            throw new IllegalArgumentException("pgrouter.cutover.readiness.check-interval must be at least "
                    + SHORTEST_CHECK_INTERVAL.toMillis() + "ms, was " + checkInterval);
        }
        if (stableFor == null || stableFor.isNegative()) {
            throw new IllegalArgumentException(
                    "pgrouter.cutover.readiness.stable-for must be zero or positive, was " + stableFor);
        }
    }
}
