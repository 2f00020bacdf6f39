package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.ReadinessReport.Light;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The light's state machine: RED while any condition fails, YELLOW from the first check where all hold, GREEN once
 * they have held without a break for the stable period. One failing check starts the period again.
 */
final class ReadinessLight {

    /**
     * The light after one check.
     *
     * @param light the colour
     * @param reasons why it is not GREEN
     * @param readyFor how long every condition has held
     */
    record State(Light light, List<String> reasons, Duration readyFor) {}

    private final Duration stableFor;
    private Instant readySince;

    ReadinessLight(Duration stableFor) {
        this.stableFor = stableFor;
    }

    /** The light at {@code now}, given what fails now ({@code failures}, empty when every condition holds). */
    State next(Instant now, List<String> failures) {
        if (!failures.isEmpty()) {
            readySince = null;
            return new State(Light.RED, failures, Duration.ZERO);
        }
        if (readySince == null || readySince.isAfter(now)) {
            readySince = now;
        }
        Duration held = Duration.between(readySince, now);
        if (held.compareTo(stableFor) >= 0) {
            return new State(Light.GREEN, List.of(), held);
        }
        return new State(
                Light.YELLOW,
                List.of("ready for " + held.toMillis() + " ms of the " + stableFor.toMillis()
                        + " ms it must hold before GREEN"),
                held);
    }
}
