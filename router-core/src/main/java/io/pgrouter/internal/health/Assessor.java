package io.pgrouter.internal.health;

import io.pgrouter.HealthState;
import io.pgrouter.LagThresholds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one round's probe results into a report: the primary's position history, each replica's lag and
 * hysteresis, which node is primary, and which nodes belong to another cluster. Pure apart from its own memory of
 * earlier rounds (time comes in as an argument); used by the monitor thread only.
 *
 * <p>The cluster's identity is its system identifier: the configured primary's, once it has answered; before
 * that, provisionally, the first one any node reported. A node that reports another one is never taken as the
 * primary and never serves reads, whatever its role or timeline: a restored copy or a test promotion elsewhere
 * must not take writes.
 */
final class Assessor {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.health");
    private static final String TIMED_OUT = "timed out: ";

    private final List<String> names;
    /** The configured primary, whose system identifier is the cluster's. */
    private final String configuredPrimary;

    private final WalHistory history;
    private final Map<String, HealthTracker> trackers = new HashMap<>();
    private final Map<String, NodeHealth> last = new HashMap<>();
    private String primary;
    /** The timeline {@link #primary} last answered on, 0 before it did. */
    private long primaryTimeline;
    /** The cluster's system identifier, 0 until a node reported one. */
    private long clusterIdentifier;
    /** Whether {@link #clusterIdentifier} is the configured primary's, hence final. */
    private boolean identifierSettled;

    /** @param names every node's name, the configured primary first */
    Assessor(List<String> names, int historySize) {
        this.names = new ArrayList<>(names);
        this.history = new WalHistory(historySize);
        this.primary = names.get(0);
        this.configuredPrimary = primary;
        names.forEach(n -> trackers.put(n, new HealthTracker()));
    }

    /** Assesses a node added at run time from the next round on, as a replica not probed yet. */
    void add(String name) {
        if (!names.contains(name)) {
            names.add(name);
            trackers.put(name, new HealthTracker());
        }
    }

    /**
     * Forgets a node removed at run time.
     *
     * @throws IllegalArgumentException if it is the node taken as primary
     */
    void remove(String name) {
        if (name.equals(primary)) {
            throw new IllegalArgumentException("node '" + name + "' is the primary: it cannot be removed");
        }
        names.remove(name);
        trackers.remove(name);
        last.remove(name);
    }

    static ProbeResult timedOut(String node, long started, long latency, String message) {
        return ProbeResult.failed(node, started, latency, TIMED_OUT + message);
    }

    /** The cluster's system identifier as learned so far, 0 unknown. */
    long clusterIdentifier() {
        return clusterIdentifier;
    }

    HealthReport assess(Map<String, ProbeResult> results, LagThresholds thresholds, long nowNanos) {
        learnIdentifier(results);
        String previousPrimary = primary;
        primary = choosePrimary(results);
        ProbeResult primaryProbe = results.get(primary);
        String primaryForeign = foreignReason(primaryProbe);
        boolean primaryAnswered =
                primaryProbe != null && primaryProbe.ok() && !primaryProbe.inRecovery() && primaryForeign == null;
        if (!primary.equals(previousPrimary)) {
            history.clear();
        }
        if (primaryAnswered) {
            // The position held somewhere between sending the probe and reading the answer: take the middle.
            history.record(primaryProbe.currentLsn(), primaryProbe.startedNanos() + primaryProbe.latencyNanos() / 2);
        }
        long primaryLsn = primaryAnswered ? primaryProbe.currentLsn() : -1;
        long primaryTimeline = primaryAnswered ? primaryProbe.timeline() : 0;
        long primaryXidHorizon = primaryAnswered ? primaryProbe.xidHorizon() : -1;

        List<NodeHealth> health = new ArrayList<>();
        for (String name : names) {
            ProbeResult r = results.get(name);
            NodeHealth before = last.getOrDefault(name, NodeHealth.unknown(name));
            if (r == null) {
                // A node that joined at run time whose first probe is still opening its connection: no news.
                health.add(before);
                continue;
            }
            int failures = r.ok() ? 0 : before.consecutiveFailures() + 1;
            // Boxed on both sides: a mixed conditional would unbox a node that never answered (null) and fail the
            // round.
            Boolean inRecovery = r.ok() ? Boolean.valueOf(r.inRecovery()) : before.inRecovery();
            boolean timedOut = !r.ok() && r.error() != null && r.error().startsWith(TIMED_OUT);
            long timeline = r.ok() ? r.timeline() : before.timeline();
            long system = r.ok() && r.systemIdentifier() != 0 ? r.systemIdentifier() : before.systemIdentifier();
            NodeHealth h;
            if (name.equals(primary)) {
                HealthState state = primaryAnswered
                        ? HealthState.HEALTHY
                        : primaryForeign != null ? HealthState.DISCONNECTED : HealthState.UNREACHABLE;
                String reason = primaryAnswered
                        ? null
                        : primaryForeign != null
                                ? primaryForeign
                                : r.ok() ? "answers as a standby" : "probe failed: " + r.error();
                h = new NodeHealth(
                        name,
                        state,
                        primaryAnswered,
                        reason,
                        inRecovery,
                        ReplicaLag.UNKNOWN,
                        timeline,
                        false,
                        r.startedNanos(),
                        r.latencyNanos(),
                        failures,
                        timedOut,
                        system,
                        primaryLsn);
            } else {
                HealthTracker tracker = trackers.get(name);
                String foreign = foreignReason(r);
                ReplicaLag lag;
                if (foreign != null) {
                    lag = ReplicaLag.UNKNOWN;
                    tracker.exclude(HealthState.DISCONNECTED, foreign);
                } else {
                    // Horizons compare only on one timeline: a replica left on an old one may have ended
                    // transactions the new primary never had.
                    long horizon = r.timeline() == primaryTimeline ? primaryXidHorizon : -1;
                    lag = r.ok() ? ReplicaLag.of(r, primaryLsn, horizon, history, nowNanos) : ReplicaLag.UNKNOWN;
                    tracker.update(r, lag, primaryTimeline, thresholds);
                }
                h = new NodeHealth(
                        name,
                        tracker.state(),
                        tracker.inRotation(),
                        tracker.reason(),
                        inRecovery,
                        lag,
                        timeline,
                        r.ok() && r.replayPaused(),
                        r.startedNanos(),
                        r.latencyNanos(),
                        failures,
                        timedOut,
                        system,
                        r.ok() && r.inRecovery() ? r.replayLsn() : -1);
            }
            logChange(before, h);
            last.put(name, h);
            health.add(h);
        }
        boolean changed = !primary.equals(previousPrimary);
        if (changed) {
            LOG.warn("Role change: {} now answers as the primary (was {})", primary, previousPrimary);
        }
        return new HealthReport(
                primary,
                health,
                changed,
                primaryAnswered
                                && primaryProbe.switchover() != null
                                && primaryProbe.switchover().heldOn(primaryProbe.timeline())
                        ? primaryProbe.switchover()
                        : null,
                primaryProbe == null ? 0 : primaryProbe.startedNanos());
    }

    /** Takes the configured primary's identifier as the cluster's once it answers; before, the first one seen. */
    private void learnIdentifier(Map<String, ProbeResult> results) {
        if (identifierSettled) {
            return;
        }
        ProbeResult configured = results.get(configuredPrimary);
        if (configured != null && configured.ok() && configured.systemIdentifier() != 0) {
            if (clusterIdentifier != 0 && clusterIdentifier != configured.systemIdentifier()) {
                LOG.warn(
                        "Cluster system identifier is now {}, the configured primary's (was {}, learned from another node"
                                + " before the primary answered)",
                        configured.systemIdentifier(),
                        clusterIdentifier);
            }
            clusterIdentifier = configured.systemIdentifier();
            identifierSettled = true;
            return;
        }
        if (clusterIdentifier == 0) {
            for (String name : names) {
                ProbeResult r = results.get(name);
                if (r != null && r.ok() && r.systemIdentifier() != 0) {
                    clusterIdentifier = r.systemIdentifier();
                    LOG.info(
                            "Cluster system identifier {} (from {}, until the configured primary answers)",
                            clusterIdentifier,
                            name);
                    return;
                }
            }
        }
    }

    /** Why the node of this probe is not part of the cluster, or {@code null} when it is (or cannot be told). */
    private String foreignReason(ProbeResult r) {
        if (r == null
                || !r.ok()
                || r.systemIdentifier() == 0
                || clusterIdentifier == 0
                || r.systemIdentifier() == clusterIdentifier) {
            return null;
        }
        return "belongs to another cluster (system identifier " + Long.toUnsignedString(r.systemIdentifier())
                + ", expected " + Long.toUnsignedString(clusterIdentifier) + ")";
    }

    /**
     * The node of this cluster answering as a primary; on two (a promoted replica while the old primary still
     * runs) the one on the higher timeline, which is the newer history. With none answering, the primary stays what
     * it was; so it does when only a node on an older timeline than the primary's answers as one: an old primary
     * left running (fenced by a switchover, say) must not take writes back because one probe of the new primary
     * timed out.
     */
    private String choosePrimary(Map<String, ProbeResult> results) {
        String best = null;
        long bestTimeline = -1;
        for (String name : names) {
            ProbeResult r = results.get(name);
            boolean olderHistory = r != null && r.timeline() < primaryTimeline && !name.equals(primary);
            if (r != null && r.ok() && !r.inRecovery() && foreignReason(r) == null && !olderHistory) {
                boolean better = r.timeline() > bestTimeline || (r.timeline() == bestTimeline && name.equals(primary));
                if (better) {
                    best = name;
                    bestTimeline = r.timeline();
                }
            }
        }
        if (best == null) {
            return primary;
        }
        primaryTimeline = bestTimeline;
        return best;
    }

    private static void logChange(NodeHealth before, NodeHealth now) {
        if (before.state() != now.state() || before.inRotation() != now.inRotation()) {
            LOG.info(
                    "Node {}: {} -> {}{}{}",
                    now.node(),
                    before.state(),
                    now.state(),
                    now.inRotation() ? " (in rotation)" : " (out of rotation)",
                    now.reason() == null ? "" : ": " + now.reason());
        } else if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "Node {}: {} lag {} bytes / {} ms ({})",
                    now.node(),
                    now.state(),
                    now.lag().bytes(),
                    now.lag().millis(),
                    now.lag().basis());
        }
    }
}
