package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.HealthState;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RouteReason;
import io.pgrouter.internal.causal.CausalState;
import io.pgrouter.internal.causal.SessionCell;
import io.pgrouter.internal.causal.WalPosition;
import io.pgrouter.internal.config.ConsistencySettings;
import io.pgrouter.internal.health.NodeHealth;
import io.pgrouter.internal.health.ReplicaLag;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where reads with a causal session go, from the probes' positions alone (no waiting: that needs a server). */
class CausalRoutingTest {

    private static final long SYSTEM = 7714014788892805218L;
    private final TestNodes nodes = new TestNodes(2);
    private final RouteDecider decider =
            new RouteDecider(ReplicaSelector.roundRobin(), true, new CausalRouting(ConsistencySettings.DEFAULTS));

    private TopologySnapshot snapshot(long primaryTimeline, long primaryLsn, long replay1, long replay2) {
        return TopologySnapshot.of(
                NodeState.initial(nodes.primary)
                        .withHealth(health("primary", false, primaryTimeline, primaryLsn, 1000)),
                List.of(replica(1, primaryTimeline, replay1), replica(2, primaryTimeline, replay2)),
                true);
    }

    /** A replica in rotation: on the primary's timeline (the health monitor takes others out). */
    private NodeState replica(int n, long timeline, long replay) {
        return NodeState.initial(nodes.replica(n)).withHealth(health("replica-" + n, true, timeline, replay, 1000));
    }

    private static NodeHealth health(String node, boolean standby, long timeline, long lsn, long probedNanos) {
        return new NodeHealth(
                node,
                HealthState.HEALTHY,
                true,
                null,
                standby,
                standby ? new ReplicaLag(0, 0, ReplicaLag.Basis.WAL_HISTORY) : ReplicaLag.UNKNOWN,
                timeline,
                false,
                probedNanos,
                0,
                0,
                false,
                SYSTEM,
                lsn);
    }

    private static RouteRequest readAt(CausalState state) {
        return RouteRequest.READ.withSession(new SessionCell(state));
    }

    private static CausalState at(long system, long timeline, long lsn) {
        return new CausalState(new WalPosition(system, timeline, lsn), 0, false);
    }

    @Test
    void onlyAReplicaThatReplayedThePositionServesIt() throws Exception {
        Route route = decider.decide(readAt(at(SYSTEM, 1, 500)), snapshot(1, 900, 400, 600));

        assertThat(route.node().name()).isEqualTo("replica-2");
        assertThat(route.reason()).isEqualTo(RouteReason.REPLICA_CAUGHT_UP);
    }

    @Test
    void withNoReplicaFarEnoughTheReadIsForThePrimaryUnlessAWaitFindsOne() throws Exception {
        RouteRequest request = readAt(at(SYSTEM, 1, 700));
        TopologySnapshot snapshot = snapshot(1, 900, 400, 600);

        assertThat(decider.decide(request, snapshot).reason()).isEqualTo(RouteReason.PRIMARY_CAUSAL);
        assertThat(decider.candidates(request, snapshot))
                .as("after a failure to connect, no replica either")
                .isEmpty();
        assertThat(decider.waitCandidates(request, snapshot)).hasSize(2);
    }

    @Test
    void aPositionFromAnOlderTimelineGoesToThePrimaryAndMovesTheSessionOn() throws Exception {
        SessionCell cell = new SessionCell(at(SYSTEM, 1, 100));
        TopologySnapshot snapshot = snapshot(2, 5000, 4000, 4000);

        assertThat(decider.decide(RouteRequest.READ.withSession(cell), snapshot).reason())
                .isEqualTo(RouteReason.PRIMARY_CAUSAL);
        decider.causal().readOnPrimary(cell, snapshot);

        assertThat(cell.state().position()).isEqualTo(new WalPosition(SYSTEM, 2, 5000));
    }

    @Test
    void aPositionOfAnotherClusterIsIgnoredAndCounted() throws Exception {
        Route route = decider.decide(readAt(at(42, 1, Long.MAX_VALUE)), snapshot(1, 900, 400, 600));

        assertThat(route.reason()).isEqualTo(RouteReason.REPLICA);
        assertThat(decider.causal().foreignPositions()).isEqualTo(1);
    }

    @Test
    void anEmptySessionRoutesLikeNoSession() throws Exception {
        assertThat(decider.decide(readAt(CausalState.EMPTY), snapshot(1, 900, 400, 600))
                        .reason())
                .isEqualTo(RouteReason.REPLICA);
    }

    @Test
    void inProbeModeACommitGoesToThePrimaryUntilAProbeSentAfterItTellsThePosition() throws Exception {
        SessionCell cell = new SessionCell(CausalState.EMPTY.pendingAt(2000));

        assertThat(decider.decide(RouteRequest.READ.withSession(cell), snapshot(1, 900, 900, 900))
                        .reason())
                .as("the last probe (at 1000) was sent before the commit")
                .isEqualTo(RouteReason.PRIMARY_CAUSAL);

        TopologySnapshot later = TopologySnapshot.of(
                NodeState.initial(nodes.primary).withHealth(health("primary", false, 1, 950, 3000)),
                List.of(replica(1, 1, 900), replica(2, 1, 960)),
                true);
        Route route = decider.decide(RouteRequest.READ.withSession(cell), later);

        assertThat(cell.state()).isEqualTo(at(SYSTEM, 1, 950));
        assertThat(route.node().name()).isEqualTo("replica-2");
        assertThat(route.reason()).isEqualTo(RouteReason.REPLICA_CAUGHT_UP);
    }

    @Test
    void writesWithASessionStillGoToThePrimary() throws Exception {
        RouteRequest write = RouteRequest.WRITE.withSession(new SessionCell(at(SYSTEM, 1, 1)));

        assertThat(decider.decide(write, snapshot(1, 900, 900, 900)).reason()).isEqualTo(RouteReason.PRIMARY_WRITE);
    }
}
