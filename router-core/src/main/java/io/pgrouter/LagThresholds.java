package io.pgrouter;

import java.time.Duration;

/**
 * When a replica leaves rotation and when it comes back: over {@code maxBytes} or {@code maxDelay} it leaves
 * at the probe that sees it; it returns after {@code rejoinAfter} consecutive probes under both. Immutable; set at
 * start ({@code pgrouter.lag.*}) and replaced whole at run time with {@link RoutingDataSource#setLagThresholds}.
 *
 * @param maxBytes the most WAL bytes a replica may be behind the primary
 * @param maxDelay the oldest change a replica may not have applied yet
 * @param rejoinAfter consecutive good probes before an excluded replica returns, at least 1
 */
public record LagThresholds(long maxBytes, Duration maxDelay, int rejoinAfter) {

    /** Checks each threshold, naming its {@code pgrouter.lag.*} key when it is out of range. */
    public LagThresholds {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("pgrouter.lag.max-bytes must be zero or positive, was " + maxBytes);
        }
        if (maxDelay == null || maxDelay.isNegative()) {
            throw new IllegalArgumentException("pgrouter.lag.max-delay must be zero or positive, was " + maxDelay);
        }
        if (rejoinAfter < 1) {
            throw new IllegalArgumentException("pgrouter.lag.rejoin-after must be at least 1, was " + rejoinAfter);
        }
    }

    /** The defaults: 16 MiB, 5 s, 3 probes. */
    public static LagThresholds ofDefaults() {
        return new LagThresholds(16L * 1024 * 1024, Duration.ofSeconds(5), 3);
    }
}
