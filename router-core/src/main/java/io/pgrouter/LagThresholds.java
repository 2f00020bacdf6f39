package io.pgrouter;

import java.time.Duration;

/**
 * When a replica leaves rotation and when it comes back: over {@code maxBytes} or {@code maxDelay} it leaves
 * at the probe that sees it; it returns after {@code rejoinAfter} consecutive probes under both. While the primary
 * does not answer, a replica in rotation stays as long as the bound on its staleness is at most the larger of
 * {@code maxDelay} and {@code primaryAwayMaxDelay} (docs/routing.md, "While the primary is away"). Immutable; set at
 * start ({@code pgrouter.lag.*}) and replaced whole at run time with {@link RoutingDataSource#setLagThresholds}.
 *
 * @param maxBytes the most WAL bytes a replica may be behind the primary
 * @param maxDelay the oldest change a replica may not have applied yet
 * @param rejoinAfter consecutive good probes before an excluded replica returns, at least 1
 * @param primaryAwayMaxDelay while the primary does not answer: the largest bound on a replica's staleness with which
 *     it stays in rotation, so that reads ride out a failover; {@code maxDelay} when smaller
 */
public record LagThresholds(long maxBytes, Duration maxDelay, int rejoinAfter, Duration primaryAwayMaxDelay) {

    /** The default while the primary is away: longer than an HA manager's failover with its default settings. */
    public static final Duration DEFAULT_PRIMARY_AWAY_MAX_DELAY = Duration.ofSeconds(60);

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
        if (primaryAwayMaxDelay == null || primaryAwayMaxDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "pgrouter.lag.primary-away-max-delay must be zero or positive, was " + primaryAwayMaxDelay);
        }
    }

    /** The three thresholds that apply while the primary answers, with the default while it is away (60 s). */
    public LagThresholds(long maxBytes, Duration maxDelay, int rejoinAfter) {
        this(maxBytes, maxDelay, rejoinAfter, DEFAULT_PRIMARY_AWAY_MAX_DELAY);
    }

    /** The bound a replica in rotation may reach while the primary does not answer: the larger of the two delays. */
    public Duration staysWhilePrimaryAway() {
        return primaryAwayMaxDelay.compareTo(maxDelay) > 0 ? primaryAwayMaxDelay : maxDelay;
    }

    /** The defaults: 16 MiB, 5 s, 3 probes; 60 s while the primary is away. */
    public static LagThresholds ofDefaults() {
        return new LagThresholds(16L * 1024 * 1024, Duration.ofSeconds(5), 3);
    }
}
