package io.pgrouter.internal.cutover;

import java.time.Duration;

/**
 * The thresholds and limits of a readiness check, validated by {@link io.pgrouter.cutover.CutoverReadiness.Builder}.
 *
 * @param subscription the subscription's name, or {@code null} for the only one in the target's database
 * @param maxLagBytes the most WAL the subscriber may have left to confirm for GREEN
 * @param maxLagTime the oldest unconfirmed change for GREEN
 * @param stableFor how long every condition must hold before the light turns GREEN
 * @param exactCountRowLimit tables whose estimated rows are below this are counted with {@code count(*)}
 * @param stalledAfterChecks how many checks in a row without progress make the subscription stalled
 * @param queryTimeout the bound of each query of a check
 */
public record ReadinessSettings(
        String subscription,
        long maxLagBytes,
        Duration maxLagTime,
        Duration stableFor,
        long exactCountRowLimit,
        int stalledAfterChecks,
        Duration queryTimeout) {}
