package io.pgrouter.internal;

import io.pgrouter.NodeRole;
import io.pgrouter.internal.health.NodeHealth;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Which nodes have their connections in use cut after a probe round: a node that stopped answering (its probes time
 * out: a frozen server, a network black hole, or one only slower than the probe timeout), and only while the work on
 * those connections can move to another node. Cutting makes a blocked statement fail at once; that helps only when
 * the caller's retry (or the router's, for a read that showed nothing yet) can land somewhere else. Otherwise it turns
 * a slow node into failures: a primary that no other node replaces keeps its connections, bounded by their socket
 * timeout, until another node answers as the primary; then they are cut at once.
 *
 * <p>Used by the monitor thread only.
 */
final class SilentNodes {

    private static final Logger LOG = RouterLog.LOG;

    /**
     * What a probe round found for one node.
     *
     * @param silentProbes probes in a row that got no answer in time, 0 once the node answered
     * @param movesTo where the work on the node's connections can go, for logs; {@code null} when they are not cut
     */
    record Verdict(int silentProbes, String movesTo) {

        /** Whether the node's connections in use are cut now, and closes there abort instead of resetting. */
        boolean cut() {
            return movesTo != null;
        }
    }

    private static final Verdict NOT_SILENT = new Verdict(0, null);

    /** Timed-out probes since the node last answered, per node. */
    private final Map<String, Integer> timedOutProbes = new HashMap<>();
    /** Silent nodes whose connections are left alone because nothing can take their work; logged once each. */
    private final Set<String> keptForLackOfAnotherNode = new HashSet<>();

    /**
     * Takes one node's health from a round and decides.
     *
     * <p>A node counts as silent from its second timed-out probe in a row: one late probe may be this JVM's fault (a
     * GC pause, a starved CPU). A node that was the primary until another one answered as such counts from its first:
     * the other node answered in time in the same round, so the silence is the old primary's. A probe that fails fast
     * meanwhile (reconnecting backs off) leaves the count as it is: only an answer shows the node speaks again.
     *
     * @param after the topology with this round applied (roles included)
     */
    Verdict assess(NodeHealth h, TopologySnapshot after) {
        String name = h.node();
        int silent = h.probeTimedOut()
                ? timedOutProbes.merge(name, 1, Integer::sum)
                : h.consecutiveFailures() == 0 ? answered(name) : timedOutProbes.getOrDefault(name, 0);
        if (silent == 0) {
            return NOT_SILENT;
        }
        NodeState state = after.node(name);
        boolean formerPrimary = state.role() == NodeRole.REPLICA && Boolean.FALSE.equals(h.inRecovery());
        if (silent < (formerPrimary ? 1 : NodeState.FAILED_PROBES_FOR_DOWN)) {
            return new Verdict(silent, null);
        }
        String movesTo = whereWorkMoves(name, after);
        if (movesTo != null) {
            keptForLackOfAnotherNode.remove(name);
        } else if (keptForLackOfAnotherNode.add(name)) {
            LOG.warn(
                    "Node '{}' stopped answering ({} probes in a row: {}); its connections in use are left alone, bounded"
                            + " by their socket timeout: no other node can take their work{}",
                    name,
                    silent,
                    h.reason(),
                    state.role() == NodeRole.PRIMARY ? " (none answers as the primary)" : "");
        }
        return new Verdict(silent, movesTo);
    }

    /**
     * Where the work on a silent node's connections can go, or {@code null} when nowhere. Writes can move only to
     * another node that answers as the primary: the node believed primary has none by definition (else the role would
     * have changed this round). Reads can move to the primary when it answered this round, or to another replica in
     * rotation whose breaker lets reads through.
     */
    static String whereWorkMoves(String node, TopologySnapshot after) {
        NodeState primary = after.primary();
        if (primary.name().equals(node)) {
            return null;
        }
        if (primary.health().inRotation()) {
            return "'" + primary.name() + "' answers as the primary";
        }
        for (NodeState replica : after.eligibleReplicas()) {
            if (!replica.name().equals(node) && !replica.node().backingOff()) {
                return "replica '" + replica.name() + "' serves reads";
            }
        }
        return null;
    }

    /** Forgets a node that left the router. */
    void forget(String node) {
        answered(node);
    }

    private int answered(String node) {
        timedOutProbes.remove(node);
        keptForLackOfAnotherNode.remove(node);
        return 0;
    }
}
