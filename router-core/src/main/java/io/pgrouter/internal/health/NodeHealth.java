package io.pgrouter.internal.health;

import io.pgrouter.HealthState;

/**
 * What the monitor knows about one node after a probe round; immutable.
 *
 * @param node the node's name
 * @param state the health state
 * @param inRotation for a replica: whether reads may go to it as far as health goes; for the primary: whether
 *     it answered its last probe as a primary
 * @param reason why a replica is out of rotation (or what is wrong with the primary), {@code null} when all is well
 * @param inRecovery what the node last said of itself: {@code TRUE} a standby, {@code FALSE} a primary, {@code null}
 *     never answered
 * @param lag a replica's lag; {@link ReplicaLag#UNKNOWN} for the primary
 * @param timeline the node's timeline, 0 when unknown
 * @param replayPaused whether a standby's replay is paused
 * @param lastProbeNanos {@link System#nanoTime()} of the last probe, 0 before the first
 * @param lastProbeLatencyNanos how long the last probe took
 * @param consecutiveFailures failed probes in a row
 * @param probeTimedOut whether the last probe got no answer in time (a frozen server or a black hole)
 * @param systemIdentifier the cluster the node reported belonging to, 0 when unknown
 * @param walLsn a replica's replay position, the primary's current position, as of the last answer; -1 unknown. For
 *     read-your-writes: a replica's replay position only grows on its timeline, so an old value is a safe lower bound
 */
public record NodeHealth(
        String node,
        HealthState state,
        boolean inRotation,
        String reason,
        Boolean inRecovery,
        ReplicaLag lag,
        long timeline,
        boolean replayPaused,
        long lastProbeNanos,
        long lastProbeLatencyNanos,
        int consecutiveFailures,
        boolean probeTimedOut,
        long systemIdentifier,
        long walLsn) {

    /** Without the positions read-your-writes uses (identifier and WAL position unknown). */
    public NodeHealth(
            String node,
            HealthState state,
            boolean inRotation,
            String reason,
            Boolean inRecovery,
            ReplicaLag lag,
            long timeline,
            boolean replayPaused,
            long lastProbeNanos,
            long lastProbeLatencyNanos,
            int consecutiveFailures,
            boolean probeTimedOut) {
        this(
                node,
                state,
                inRotation,
                reason,
                inRecovery,
                lag,
                timeline,
                replayPaused,
                lastProbeNanos,
                lastProbeLatencyNanos,
                consecutiveFailures,
                probeTimedOut,
                0,
                -1);
    }

    /** Before the first probe. */
    public static NodeHealth unknown(String node) {
        return new NodeHealth(
                node, HealthState.UNKNOWN, false, "not probed yet", null, ReplicaLag.UNKNOWN, 0, false, 0, 0, 0, false);
    }
}
