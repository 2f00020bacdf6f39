package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.HealthState;
import io.pgrouter.NoEligibleNodeException;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RouteReason;
import io.pgrouter.internal.health.NodeHealth;
import io.pgrouter.internal.health.ReplicaLag;
import org.junit.jupiter.api.Test;

class RouteDeciderTest {

    private final TestNodes nodes = new TestNodes(2);
    private final RouteDecider withFallback = new RouteDecider(ReplicaSelector.roundRobin(), true);
    private final RouteDecider withoutFallback = new RouteDecider(ReplicaSelector.roundRobin(), false);

    @Test
    void writesGoToThePrimary() throws Exception {
        assertThat(withFallback.decide(RouteRequest.WRITE, nodes.snapshot(true)))
                .isEqualTo(nodes.primary.route(RouteReason.PRIMARY_WRITE));
    }

    @Test
    void forcedPrimaryWins() throws Exception {
        assertThat(withFallback.decide(RouteRequest.of(true, true), nodes.snapshot(true)))
                .isEqualTo(nodes.primary.route(RouteReason.PRIMARY_FORCED));
    }

    @Test
    void readsGoToReplicasInTurn() throws Exception {
        TopologySnapshot snapshot = nodes.snapshot(true);

        assertThat(withFallback.decide(RouteRequest.READ, snapshot))
                .isEqualTo(nodes.replica(1).route(RouteReason.REPLICA));
        assertThat(withFallback.decide(RouteRequest.READ, snapshot))
                .isEqualTo(nodes.replica(2).route(RouteReason.REPLICA));
    }

    @Test
    void disabledReplicasSendReadsToThePrimaryEvenWithoutFallback() throws Exception {
        assertThat(withoutFallback.decide(RouteRequest.READ, nodes.snapshot(false)))
                .isEqualTo(nodes.primary.route(RouteReason.FALLBACK_REPLICAS_DISABLED));
    }

    @Test
    void drainedReplicasAreSkipped() throws Exception {
        TopologySnapshot snapshot =
                nodes.snapshot(true).withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED));

        for (int i = 0; i < 4; i++) {
            assertThat(withFallback.decide(RouteRequest.READ, snapshot).node()).isSameAs(nodes.replica(2));
        }
    }

    @Test
    void aReadNoReplicaCanServeFailsAtOnceNamingEveryNodeWhileThePrimaryIsKnownDown() throws Exception {
        NodeHealth down = new NodeHealth(
                "primary",
                HealthState.UNREACHABLE,
                false,
                "probe failed: Connection refused",
                false,
                ReplicaLag.UNKNOWN,
                1,
                false,
                1,
                1,
                NodeState.FAILED_PROBES_FOR_DOWN,
                false);
        TopologySnapshot snapshot = TopologySnapshot.of(
                        NodeState.initial(nodes.primary).withHealth(down),
                        nodes.snapshot(true).replicas(),
                        true)
                .withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED))
                .withReplica("replica-2", s -> s.withOperatorState(OperatorState.DRAINED));

        assertThatThrownBy(() -> withFallback.decide(RouteRequest.READ, snapshot))
                .isInstanceOf(NoEligibleNodeException.class)
                .hasMessage(
                        "No node can serve the read: no replica is eligible and the primary, where reads fall back, is down:"
                                + "\n  primary: down: probe failed: Connection refused (2 probes in a row)"
                                + "\n  replica-1: drained by an operator"
                                + "\n  replica-2: drained by an operator");
        // Writes fail at the primary itself (ConnectionRouter); the decision still names it.
        assertThat(withFallback.decide(RouteRequest.WRITE, snapshot).node()).isSameAs(nodes.primary);
    }

    @Test
    void noEligibleReplicaFallsBackToThePrimary() throws Exception {
        TopologySnapshot snapshot = nodes.snapshot(true)
                .withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED))
                .withReplica("replica-2", s -> s.withOperatorState(OperatorState.DRAINED));

        assertThat(withFallback.decide(RouteRequest.READ, snapshot))
                .isEqualTo(nodes.primary.route(RouteReason.FALLBACK_NO_ELIGIBLE_REPLICA));
    }

    @Test
    void noEligibleReplicaWithoutFallbackSaysWhyForEachReplica() {
        openBreaker(nodes.replica(2));
        TopologySnapshot snapshot =
                nodes.snapshot(true).withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED));

        // With fallback off a replica that is backing off is still tried rather than failing for sure.
        assertThat(withFallback.usableReplicas(snapshot)).isEmpty();
        assertThat(withoutFallback.usableReplicas(snapshot))
                .extracting(NodeState::name)
                .containsExactly("replica-2");

        TopologySnapshot allDrained =
                snapshot.withReplica("replica-2", s -> s.withOperatorState(OperatorState.DRAINED));
        assertThatThrownBy(() -> withoutFallback.decide(RouteRequest.READ, allDrained))
                .isInstanceOf(NoEligibleNodeException.class)
                .hasMessageContaining("replica-1: drained by an operator")
                .hasMessageContaining("replica-2: drained by an operator")
                .satisfies(e ->
                        assertThat(((NoEligibleNodeException) e).getSQLState()).isEqualTo("08001"));
    }

    @Test
    void aReplicaWithAnOpenBreakerIsSkippedUntilAProbeClosesIt() throws Exception {
        openBreaker(nodes.replica(1));
        TopologySnapshot snapshot = nodes.snapshot(true);

        for (int i = 0; i < 4; i++) {
            assertThat(withFallback.decide(RouteRequest.READ, snapshot).node()).isSameAs(nodes.replica(2));
        }
        assertThat(nodes.replica(1).backoffReason())
                .contains("pgrouter-replica-1")
                .contains("Connection refused");

        // Half-open is still out: only a successful probe (the trial) brings the replica back.
        nodes.replica(1).breaker().transitionToHalfOpenState();
        assertThat(withFallback.usableReplicas(snapshot)).hasSize(1);
        nodes.replica(1).probed(true, null);
        assertThat(withFallback.usableReplicas(snapshot)).hasSize(2);
    }

    /** Three failures to connect: the breaker's minimum number of calls, all failed. */
    private static void openBreaker(Node node) {
        for (int i = 0; i < 3; i++) {
            node.connectFailed(
                    new java.sql.SQLException("Connection refused"),
                    "pool " + node.config().poolName() + " gave no connection: Connection refused");
        }
        assertThat(node.backingOff()).isTrue();
    }

    @Test
    void theFastPathAllocatesNoCandidateList() {
        TopologySnapshot snapshot = nodes.snapshot(true);

        assertThat(withFallback.usableReplicas(snapshot)).isSameAs(snapshot.eligibleReplicas());
    }

    @Test
    void aSelectorReturningABadIndexIsReported() {
        RouteDecider broken = new RouteDecider(candidates -> 7, true);

        assertThatThrownBy(() -> broken.decide(RouteRequest.READ, nodes.snapshot(true)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("index 7 of 2");
    }

    @Test
    void aStalenessBoundKeepsOnlyReplicasFreshEnoughAndFallsBackWithItsOwnReason() throws Exception {
        TopologySnapshot snapshot = nodes.snapshot(true)
                .withReplica("replica-1", s -> s.withHealth(lagging(s, 900)))
                .withReplica("replica-2", s -> s.withHealth(lagging(s, 100)));

        RouteRequest within500 = RouteRequest.of(true, false, 500);
        for (int i = 0; i < 3; i++) {
            assertThat(withFallback.decide(within500, snapshot))
                    .isEqualTo(nodes.replica(2).route(RouteReason.REPLICA));
        }
        RouteRequest within50 = RouteRequest.of(true, false, 50);
        assertThat(withFallback.decide(within50, snapshot))
                .isEqualTo(nodes.primary.route(RouteReason.FALLBACK_REPLICAS_TOO_STALE));
        assertThatThrownBy(() -> withoutFallback.decide(within50, snapshot))
                .isInstanceOf(NoEligibleNodeException.class)
                .hasMessageContaining("replica-1: lag 900 ms > max staleness 50 ms")
                .hasMessageContaining("replica-2: lag 100 ms > max staleness 50 ms");
    }

    private static io.pgrouter.internal.health.NodeHealth lagging(NodeState state, long millis) {
        io.pgrouter.internal.health.NodeHealth h = state.health();
        return new io.pgrouter.internal.health.NodeHealth(
                h.node(),
                h.state(),
                true,
                null,
                true,
                new io.pgrouter.internal.health.ReplicaLag(
                        0, millis, io.pgrouter.internal.health.ReplicaLag.Basis.WAL_HISTORY),
                1,
                false,
                0,
                0,
                0,
                false);
    }
}
