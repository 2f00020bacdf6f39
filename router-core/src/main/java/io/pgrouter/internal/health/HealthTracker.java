package io.pgrouter.internal.health;

import io.pgrouter.LagThresholds;
import io.pgrouter.HealthState;

/**
 * One replica's health with hysteresis: it leaves rotation at once when a probe shows it over a threshold,
 * unreachable, disconnected or on another timeline, and returns only after {@code rejoinAfter} good probes in a
 * row, so that a replica hovering at a threshold does not flap. The first good probe after start admits a replica
 * at once: there is no exclusion to recover from yet. Used by the monitor thread only.
 */
final class HealthTracker {

    private HealthState state = HealthState.UNKNOWN;
    private boolean inRotation;
    private boolean everAdmitted;
    private int goodStreak;
    private String reason = "not probed yet";

    /**
     * Takes one probe of the replica into account.
     *
     * @param probe the replica's probe
     * @param lag its lag, from {@link ReplicaLag#of}
     * @param primaryTimeline the primary's timeline, 0 when unknown
     * @param thresholds the thresholds in force
     */
    void update(ProbeResult probe, ReplicaLag lag, long primaryTimeline, LagThresholds thresholds) {
        String bad = badness(probe, lag, primaryTimeline, thresholds);
        if (bad != null) {
            inRotation = false;
            goodStreak = 0;
            reason = bad;
            return;
        }
        if (inRotation) {
            reason = null;
            return;
        }
        goodStreak++;
        if (!everAdmitted || goodStreak >= thresholds.rejoinAfter()) {
            inRotation = true;
            everAdmitted = true;
            state = HealthState.HEALTHY;
            reason = null;
        } else {
            // Still out: keep the state that took it out, say how far along the way back it is.
            reason = "returning: " + goodStreak + " of " + thresholds.rejoinAfter() + " good probes";
        }
    }

    private String badness(ProbeResult probe, ReplicaLag lag, long primaryTimeline, LagThresholds t) {
        if (!probe.ok()) {
            state = HealthState.UNREACHABLE;
            return "probe failed: " + probe.error();
        }
        if (!probe.inRecovery()) {
            state = HealthState.DISCONNECTED;
            return "not in recovery: it answers as a primary, but another node is the primary";
        }
        if (!probe.streaming()) {
            state = HealthState.DISCONNECTED;
            return "WAL receiver " + (probe.receiverStatus() == null ? "not running" : probe.receiverStatus()) + ": lag unknown";
        }
        if (primaryTimeline > 0 && probe.timeline() > 0 && probe.timeline() != primaryTimeline) {
            state = HealthState.DISCONNECTED;
            return "on timeline " + probe.timeline() + ", the primary on " + primaryTimeline;
        }
        if (!lag.known()) {
            state = HealthState.DISCONNECTED;
            return "lag unknown (the primary could not be probed)";
        }
        if (lag.bytes() > t.maxBytes()) {
            state = HealthState.LAGGING;
            return "lag " + lag.bytes() + " bytes > max-bytes " + t.maxBytes();
        }
        if (lag.millis() > t.maxDelay().toMillis()) {
            state = HealthState.LAGGING;
            return "lag " + lag.millis() + " ms > max-delay " + t.maxDelay().toMillis() + " ms";
        }
        return null;
    }

    HealthState state() {
        return state;
    }

    boolean inRotation() {
        return inRotation;
    }

    /** Why the replica is out of rotation, or {@code null} when it is in. */
    String reason() {
        return reason;
    }
}
