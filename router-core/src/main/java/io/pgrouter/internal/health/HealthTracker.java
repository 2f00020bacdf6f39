package io.pgrouter.internal.health;

import io.pgrouter.HealthState;
import io.pgrouter.LagThresholds;

/**
 * One replica's health with hysteresis: it leaves rotation at once when a probe shows it over a threshold,
 * unreachable, disconnected or on another timeline, and returns only after {@code rejoinAfter} good probes in a
 * row, so that a replica hovering at a threshold does not flap. The first good probe after start admits a replica
 * at once: there is no exclusion to recover from yet.
 *
 * <p>A replica in rotation stays while its own WAL receiver is down, as long as the bound on its staleness from its
 * last known position ({@link ReplicaLag.Basis#bounded()}) stays under {@code max-delay}, and while the primary does
 * not answer, as long as that bound stays under {@link LagThresholds#staysWhilePrimaryAway()}: missing a probe of the
 * primary says nothing about the replica, and reads need the replicas most while a failover runs. A replica out of rotation joins
 * only while it streams from a primary that answers. Used by the monitor thread only.
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
            exclude(state, bad);
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

    /** Takes the replica out of rotation now, for a reason found outside its probe (another cluster, say). */
    void exclude(HealthState newState, String why) {
        state = newState;
        inRotation = false;
        goodStreak = 0;
        reason = why;
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
        if (primaryTimeline > 0 && probe.timeline() > 0 && probe.timeline() != primaryTimeline) {
            state = HealthState.DISCONNECTED;
            return "on timeline " + probe.timeline() + ", the primary on " + primaryTimeline;
        }
        // A replica in rotation rides out a primary that does not answer, or its own receiver's outage, on a bound
        // from its last known position; one out of rotation joins only on a measurement.
        if (!inRotation && !probe.streaming()) {
            state = HealthState.DISCONNECTED;
            return "WAL receiver " + receiver(probe) + ": a replica joins only while it streams";
        }
        if (!inRotation && lag.basis() == ReplicaLag.Basis.PRIMARY_UNREACHABLE_BOUND) {
            state = HealthState.DISCONNECTED;
            return "the primary does not answer: a replica joins only while the primary's position is known";
        }
        if (lag.millis() < 0 || (lag.bytes() < 0 && lag.basis() != ReplicaLag.Basis.PRIMARY_UNREACHABLE_BOUND)) {
            state = HealthState.DISCONNECTED;
            return !probe.streaming()
                    ? "WAL receiver " + receiver(probe) + ": lag unknown"
                    : "lag unknown (the primary could not be probed)";
        }
        if (lag.bytes() > t.maxBytes()) {
            state = HealthState.LAGGING;
            return "lag " + lag.bytes() + " bytes > max-bytes " + t.maxBytes();
        }
        if (lag.basis() == ReplicaLag.Basis.PRIMARY_UNREACHABLE_BOUND) {
            long limit = t.staysWhilePrimaryAway().toMillis();
            if (lag.millis() <= limit) {
                return null;
            }
            state = HealthState.LAGGING;
            return "staleness bound " + lag.millis() + " ms > "
                    + (limit == t.maxDelay().toMillis() ? "max-delay " : "primary-away-max-delay ") + limit
                    + " ms: the primary has not answered since it was last seen at or before this replica's position";
        }
        if (lag.millis() > t.maxDelay().toMillis()) {
            state = HealthState.LAGGING;
            return switch (lag.basis()) {
                case RECEIVER_DOWN_BOUND ->
                    "staleness bound " + lag.millis() + " ms > max-delay "
                            + t.maxDelay().toMillis() + " ms: WAL receiver " + receiver(probe);
                default ->
                    "lag " + lag.millis() + " ms > max-delay " + t.maxDelay().toMillis() + " ms";
            };
        }
        return null;
    }

    private static String receiver(ProbeResult probe) {
        return probe.receiverStatus() == null ? "not running" : probe.receiverStatus();
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
