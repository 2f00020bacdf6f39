package io.pgrouter.internal;

import io.pgrouter.NoEligibleNodeException;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RouteReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides where a connection goes from a {@link RouteRequest} and a {@link TopologySnapshot}: pure logic, no
 * I/O, no locks, and no allocation unless a replica is backing off after a failure.
 */
public final class RouteDecider {

    private final ReplicaSelector selector;
    private final boolean fallbackToPrimary;
    private final CausalRouting causal;

    public RouteDecider(ReplicaSelector selector, boolean fallbackToPrimary) {
        this(selector, fallbackToPrimary, new CausalRouting(io.pgrouter.internal.config.ConsistencySettings.DEFAULTS));
    }

    public RouteDecider(ReplicaSelector selector, boolean fallbackToPrimary, CausalRouting causal) {
        this.selector = selector;
        this.fallbackToPrimary = fallbackToPrimary;
        this.causal = causal;
    }

    /** Read-your-writes: sessions, positions, the wait. */
    public CausalRouting causal() {
        return causal;
    }

    public ReplicaSelector selector() {
        return selector;
    }

    public boolean fallbackToPrimary() {
        return fallbackToPrimary;
    }

    /**
     * The route for a request.
     *
     * @throws NoEligibleNodeException for a read no replica can serve while fallback to primary is off, or while the
     *     primary, where it would fall back, is known to be down
     */
    public Route decide(RouteRequest request, TopologySnapshot snapshot) throws NoEligibleNodeException {
        Node primary = snapshot.primary().node();
        if (request.forcedPrimary() || snapshot.forcePrimary()) {
            return primary.route(RouteReason.PRIMARY_FORCED);
        }
        if (!request.readIntent()) {
            return primary.route(RouteReason.PRIMARY_WRITE);
        }
        // The flag is an operator's explicit choice, so it sends reads to the primary even with fallback off.
        if (!snapshot.replicasEnabled()) {
            return primary.route(RouteReason.FALLBACK_REPLICAS_DISABLED);
        }
        List<NodeState> usable = usableReplicas(snapshot);
        List<NodeState> candidates = freshEnough(usable, request.maxStalenessMillis());
        if (candidates.isEmpty()) {
            String primaryDown = snapshot.primary().downReason();
            if (fallbackToPrimary && primaryDown == null) {
                return primary.route(
                        usable.isEmpty()
                                ? RouteReason.FALLBACK_NO_ELIGIBLE_REPLICA
                                : RouteReason.FALLBACK_REPLICAS_TOO_STALE);
            }
            if (fallbackToPrimary) {
                // Falling back to a primary known to be down would only fail later: fail now, naming every node.
                Map<String, String> reasons = new LinkedHashMap<>();
                reasons.put(primary.name(), "down: " + primaryDown);
                reasons.putAll(replicaReasons(request, snapshot, Map.of()));
                throw NoEligibleNodeException.primaryDown(reasons);
            }
            throw noEligibleNode(request, snapshot, Map.of(), null);
        }
        if (request.session() != null) {
            return causal.decide(request.session(), snapshot, candidates, this);
        }
        return pick(candidates).node().route(RouteReason.REPLICA);
    }

    /**
     * The replicas a request may use: {@link #usableReplicas} within the request's staleness bound and, for a read
     * with a causal session, known to have replayed its position.
     */
    List<NodeState> candidates(RouteRequest request, TopologySnapshot snapshot) {
        List<NodeState> fresh = freshEnough(usableReplicas(snapshot), request.maxStalenessMillis());
        return request.session() == null ? fresh : causal.filter(request.session(), snapshot, fresh);
    }

    /** The replicas a read may wait on to catch up with its session's position: {@link #candidates} without that condition. */
    List<NodeState> waitCandidates(RouteRequest request, TopologySnapshot snapshot) {
        return freshEnough(usableReplicas(snapshot), request.maxStalenessMillis());
    }

    /** Those of {@code replicas} whose lag in time is known and within the bound; all of them without a bound. */
    private static List<NodeState> freshEnough(List<NodeState> replicas, long maxStalenessMillis) {
        if (maxStalenessMillis < 0) {
            return replicas;
        }
        List<NodeState> fresh = new ArrayList<>(replicas.size());
        for (NodeState replica : replicas) {
            if (withinBound(replica, maxStalenessMillis)) {
                fresh.add(replica);
            }
        }
        return fresh;
    }

    private static boolean withinBound(NodeState replica, long maxStalenessMillis) {
        long lag = replica.lagMillis();
        return lag >= 0 && lag <= maxStalenessMillis;
    }

    /** The selector's choice among {@code candidates} (not empty). */
    NodeState pick(List<NodeState> candidates) {
        int index = selector.select(candidates);
        if (index < 0 || index >= candidates.size()) {
            throw new IllegalStateException(
                    "selector " + selector + " chose index " + index + " of " + candidates.size() + " candidates");
        }
        return candidates.get(index);
    }

    /**
     * The eligible replicas that are not backing off after a failure to connect. With fallback off and every
     * eligible replica backing off, all of them: trying a replica that failed a moment ago beats certain failure.
     */
    List<NodeState> usableReplicas(TopologySnapshot snapshot) {
        List<NodeState> eligible = snapshot.eligibleReplicas();
        int size = eligible.size();
        int backingOff = 0;
        for (int i = 0; i < size; i++) {
            if (eligible.get(i).node().backingOff()) {
                backingOff++;
            }
        }
        if (backingOff == 0 || backingOff == size && !fallbackToPrimary) {
            return eligible;
        }
        List<NodeState> usable = new ArrayList<>(size - backingOff);
        for (int i = 0; i < size; i++) {
            if (!eligible.get(i).node().backingOff()) {
                usable.add(eligible.get(i));
            }
        }
        return usable;
    }

    /**
     * The exception for a read no replica could serve: for every configured replica, why.
     *
     * @param failures replicas that failed to give a connection in this call, with the failure
     * @param cause the last of those failures, or {@code null}
     */
    NoEligibleNodeException noEligibleNode(
            RouteRequest request, TopologySnapshot snapshot, Map<String, String> failures, Throwable cause) {
        return new NoEligibleNodeException(replicaReasons(request, snapshot, failures), cause);
    }

    /** For every configured replica, in configuration order, why it cannot serve this read. */
    private static Map<String, String> replicaReasons(
            RouteRequest request, TopologySnapshot snapshot, Map<String, String> failures) {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (NodeState replica : snapshot.replicas()) {
            String why = failures.get(replica.name());
            if (why == null) {
                why = replica.unusableReason();
            }
            if (why == null && !snapshot.replicasEnabled()) {
                why = "replicas are disabled";
            }
            if (why == null
                    && request.maxStalenessMillis() >= 0
                    && !withinBound(replica, request.maxStalenessMillis())) {
                why = "lag " + (replica.lagMillis() < 0 ? "unknown" : replica.lagMillis() + " ms") + " > max staleness "
                        + request.maxStalenessMillis() + " ms";
            }
            reasons.put(replica.name(), why == null ? "not tried" : why);
        }
        return reasons;
    }
}
