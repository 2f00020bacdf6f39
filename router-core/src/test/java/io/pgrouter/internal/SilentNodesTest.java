package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.HealthState;
import io.pgrouter.NodeRole;
import io.pgrouter.internal.health.NodeHealth;
import io.pgrouter.internal.health.ReplicaLag;
import java.util.List;
import org.junit.jupiter.api.Test;

class SilentNodesTest {

    private final TestNodes nodes = new TestNodes(2);
    private final SilentNodes silentNodes = new SilentNodes();

    @Test
    void theSilentPrimaryKeepsItsConnectionsWhileNoOtherNodeAnswersAsThePrimary() {
        NodeHealth silentPrimary = silent("primary", false, 1);
        TopologySnapshot after = snapshot(
                primaryState(nodes.primary, silentPrimary),
                replica(1, answering("replica-1")),
                replica(2, answering("replica-2")));

        for (int probe = 1; probe <= 5; probe++) {
            SilentNodes.Verdict verdict = silentNodes.assess(silent("primary", false, probe), after);
            assertThat(verdict.silentProbes()).isEqualTo(probe);
            assertThat(verdict.cut()).as("probe %d", probe).isFalse();
        }
    }

    @Test
    void aSilentReplicaIsCutFromItsSecondSilentProbeWhenThePrimaryAnswers() {
        TopologySnapshot after = snapshot(
                primaryState(nodes.primary, answeringPrimary("primary")),
                replica(1, silent("replica-1", true, 1)),
                replica(2, answering("replica-2")));

        assertThat(silentNodes.assess(silent("replica-1", true, 1), after).cut())
                .as("one late probe may be this JVM's fault")
                .isFalse();
        SilentNodes.Verdict second = silentNodes.assess(silent("replica-1", true, 2), after);
        assertThat(second.cut()).isTrue();
        assertThat(second.movesTo()).contains("'primary' answers as the primary");
    }

    @Test
    void aSilentReplicaIsCutWhileAnotherReplicaServesReadsAndTheSilentPrimaryCannotTakeThem() {
        TopologySnapshot another = snapshot(
                primaryState(nodes.primary, silent("primary", false, 2)),
                replica(1, silent("replica-1", true, 2)),
                replica(2, answering("replica-2")));
        silentNodes.assess(silent("replica-1", true, 1), another);

        SilentNodes.Verdict verdict = silentNodes.assess(silent("replica-1", true, 2), another);

        assertThat(verdict.cut()).isTrue();
        assertThat(verdict.movesTo()).contains("replica 'replica-2' serves reads");
    }

    @Test
    void aSilentReplicaKeepsItsConnectionsWhenNoOtherNodeCanServeReads() {
        TopologySnapshot nowhere = snapshot(
                primaryState(nodes.primary, silent("primary", false, 2)),
                replica(1, silent("replica-1", true, 2)),
                replica(2, silent("replica-2", true, 2)));
        silentNodes.assess(silent("replica-1", true, 1), nowhere);

        assertThat(silentNodes.assess(silent("replica-1", true, 2), nowhere).cut())
                .isFalse();
    }

    @Test
    void theOldPrimaryIsCutAtItsFirstSilentProbeOnceAnotherNodeAnswersAsThePrimary() {
        // replica-1 was promoted: it answers as the primary; the old primary is a replica of the topology now, and
        // the last thing it said of itself is that it is a primary.
        NodeState promoted =
                new NodeState(nodes.replica(1), NodeRole.PRIMARY, OperatorState.ACTIVE, answeringPrimary("replica-1"));
        NodeHealth oldPrimary = silent("primary", false, 1);
        TopologySnapshot after = TopologySnapshot.of(
                promoted,
                List.of(
                        new NodeState(nodes.primary, NodeRole.REPLICA, OperatorState.ACTIVE, oldPrimary),
                        replica(2, answering("replica-2"))),
                true);

        SilentNodes.Verdict verdict = silentNodes.assess(oldPrimary, after);

        assertThat(verdict.cut()).isTrue();
        assertThat(verdict.movesTo()).contains("'replica-1' answers as the primary");
    }

    @Test
    void anAnswerEndsTheSilenceAndAFastFailureKeepsItsCount() {
        TopologySnapshot after = snapshot(
                primaryState(nodes.primary, answeringPrimary("primary")),
                replica(1, silent("replica-1", true, 1)),
                replica(2, answering("replica-2")));
        silentNodes.assess(silent("replica-1", true, 1), after);

        // Reconnecting backs off: the probe fails at once; the node has not spoken, so the count stays.
        assertThat(silentNodes.assess(failedFast("replica-1", 2), after).silentProbes())
                .isEqualTo(1);
        assertThat(silentNodes.assess(silent("replica-1", true, 3), after).cut())
                .isTrue();
        assertThat(silentNodes.assess(answering("replica-1"), after).silentProbes())
                .isZero();
        assertThat(silentNodes.assess(silent("replica-1", true, 1), after).cut())
                .isFalse();
    }

    private TopologySnapshot snapshot(NodeState primary, NodeState... replicas) {
        return TopologySnapshot.of(primary, List.of(replicas), true);
    }

    private static NodeState primaryState(Node node, NodeHealth health) {
        return new NodeState(node, NodeRole.PRIMARY, OperatorState.ACTIVE, health);
    }

    private NodeState replica(int oneBased, NodeHealth health) {
        return new NodeState(nodes.replica(oneBased), NodeRole.REPLICA, OperatorState.ACTIVE, health);
    }

    private static NodeHealth answering(String node) {
        return health(node, HealthState.HEALTHY, true, true, 0, false);
    }

    private static NodeHealth answeringPrimary(String node) {
        return health(node, HealthState.HEALTHY, true, false, 0, false);
    }

    /** A node whose last {@code failures} probes failed, the last one timed out; a replica stays in rotation no more. */
    private static NodeHealth silent(String node, boolean inRecovery, int failures) {
        return health(node, HealthState.UNREACHABLE, false, inRecovery, failures, true);
    }

    private static NodeHealth failedFast(String node, int failures) {
        return health(node, HealthState.UNREACHABLE, false, true, failures, false);
    }

    private static NodeHealth health(
            String node, HealthState state, boolean inRotation, boolean inRecovery, int failures, boolean timedOut) {
        return new NodeHealth(
                node,
                state,
                inRotation,
                inRotation ? null : "probe failed: timed out",
                inRecovery,
                ReplicaLag.UNKNOWN,
                1,
                false,
                1,
                0,
                failures,
                timedOut);
    }
}
