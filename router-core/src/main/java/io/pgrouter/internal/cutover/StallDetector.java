package io.pgrouter.internal.cutover;

/**
 * Tells a stalled subscription from an idle one: stalled means the subscriber's confirmed position did not move over
 * {@code checks} checks in a row during which the source's position moved. An idle source proves nothing either
 * way, so such a check neither counts nor resets; progress of the confirmed position resets.
 */
final class StallDetector {

    private final int checks;
    private long lastSource = -1;
    private long lastConfirmed = -1;
    private int stuck;

    StallDetector(int checks) {
        this.checks = checks;
    }

    /**
     * Takes one check's positions (-1 when unknown) and says whether the subscription is stalled now. Unknown
     * positions (no slot, a side unreachable) end the series: other reasons speak for those checks.
     */
    boolean observe(long sourcePosition, long confirmedPosition) {
        if (sourcePosition < 0 || confirmedPosition < 0) {
            lastSource = -1;
            lastConfirmed = -1;
            stuck = 0;
            return false;
        }
        if (lastSource >= 0) {
            if (confirmedPosition > lastConfirmed) {
                stuck = 0;
            } else if (sourcePosition > lastSource && sourcePosition > confirmedPosition) {
                stuck++;
            }
        }
        lastSource = sourcePosition;
        lastConfirmed = confirmedPosition;
        return stuck >= checks;
    }

    /** Checks in a row without progress while the source moved. */
    int checksWithoutProgress() {
        return stuck;
    }
}
