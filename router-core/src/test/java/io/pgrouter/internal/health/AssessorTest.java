package io.pgrouter.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.HealthState;
import io.pgrouter.LagThresholds;
import io.pgrouter.internal.health.ReplicaLag.Basis;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assessor over made-up rounds: a clock that moves by hand and positions that the test chooses. */
class AssessorTest {

    private static final long MS = 1_000_000;
    private static final long CLUSTER = 7_300_000_000_000_000_001L;
    private static final long OTHER_CLUSTER = 7_400_000_000_000_000_002L;
    /** max-delay 2 s; while the primary is away, 3 s. */
    private static final LagThresholds THRESHOLDS =
            new LagThresholds(1_000_000, Duration.ofMillis(2000), 3, Duration.ofMillis(3000));

    private final Assessor assessor = new Assessor(List.of("primary", "replica-1", "replica-2"), 64);
    private long nowMillis;

    @Test
    void replicasStayInRotationWhileThePrimaryIsAwayUntilTheBoundFromItsLastProbePassesPrimaryAwayMaxDelay() {
        // The primary is at 5000; both replicas replayed it.
        HealthReport r =
                round(primary(5000), replica("replica-1", 5000, "streaming"), replica("replica-2", 5000, "streaming"));
        assertThat(r.byName().get("replica-1").inRotation()).isTrue();
        long lastPrimaryProbe = nowMillis;

        // The primary stops answering; the replicas' receivers lose it a moment later.
        nowMillis += 500;
        r = round(down("primary"), replica("replica-1", 5000, "streaming"), replica("replica-2", 5000, null));
        NodeHealth one = r.byName().get("replica-1");
        assertThat(one.inRotation())
                .as("one missed primary probe says nothing about a replica")
                .isTrue();
        assertThat(one.lag())
                .isEqualTo(new ReplicaLag(-1, nowMillis - lastPrimaryProbe, Basis.PRIMARY_UNREACHABLE_BOUND));
        assertThat(r.byName().get("replica-2").inRotation())
                .as("receiver down while the bound holds")
                .isTrue();

        nowMillis = lastPrimaryProbe + 2500;
        r = round(down("primary"), replica("replica-1", 5000, null), replica("replica-2", 5000, null));
        assertThat(r.byName().get("replica-1").inRotation())
                .as("past max-delay, which holds while the primary answers")
                .isTrue();

        nowMillis = lastPrimaryProbe + 3000;
        r = round(down("primary"), replica("replica-1", 5000, null), replica("replica-2", 5000, null));
        assertThat(r.byName().get("replica-1").inRotation())
                .as("at primary-away-max-delay exactly")
                .isTrue();
        assertThat(r.byName().get("replica-1").lag().millis()).isEqualTo(3000);

        nowMillis += 1;
        r = round(down("primary"), replica("replica-1", 5000, null), replica("replica-2", 5000, null));
        NodeHealth out = r.byName().get("replica-1");
        assertThat(out.inRotation()).isFalse();
        assertThat(out.state()).isEqualTo(HealthState.LAGGING);
        assertThat(out.reason())
                .startsWith("staleness bound 3001 ms > primary-away-max-delay 3000 ms: the primary has not answered");
        assertThat(r.byName().get("primary").state()).isEqualTo(HealthState.UNREACHABLE);
    }

    @Test
    void aReplicaBehindIsBoundedByTheLastTimeThePrimaryWasSeenAtOrBeforeItsPosition() {
        round(primary(1000), replica("replica-1", 1000, "streaming"), replica("replica-2", 1000, "streaming"));
        nowMillis += 100;
        round(primary(1000), replica("replica-1", 1000, "streaming"), replica("replica-2", 1000, "streaming"));
        long lastSeenAt1000 = nowMillis;
        nowMillis += 100;
        round(primary(3000), replica("replica-1", 1000, "streaming"), replica("replica-2", 3000, "streaming"));
        long lastSeenAt3000 = nowMillis;

        nowMillis += 400;
        HealthReport r =
                round(down("primary"), replica("replica-1", 2000, "streaming"), replica("replica-2", 3500, null));
        // replica-1 replayed up to 2000: the primary was last seen at or before that at 1000, when it was last probed
        // there.
        assertThat(r.byName().get("replica-1").lag().millis()).isEqualTo(nowMillis - lastSeenAt1000);
        // replica-2 is past everything the primary reported: bounded by the last good primary probe.
        assertThat(r.byName().get("replica-2").lag().millis()).isEqualTo(nowMillis - lastSeenAt3000);
        assertThat(r.byName().get("replica-2").lag().basis()).isEqualTo(Basis.PRIMARY_UNREACHABLE_BOUND);
    }

    @Test
    void aReplicaOutOfRotationDoesNotJoinWhileThePrimaryIsAway() {
        round(primary(1000), replica("replica-1", 1000, "streaming"), down("replica-2"));
        nowMillis += 100;
        HealthReport r =
                round(down("primary"), replica("replica-1", 1000, null), replica("replica-2", 1000, "streaming"));
        NodeHealth two = r.byName().get("replica-2");
        assertThat(two.inRotation()).isFalse();
        assertThat(two.reason())
                .isEqualTo("the primary does not answer: a replica joins only while the primary's position is known");
        assertThat(r.byName().get("replica-1").inRotation()).isTrue();
    }

    @Test
    void aReceiverDownWhileThePrimaryAnswersKeepsAReplicaOnABoundAndItsBytesChecked() {
        round(primary(1000), replica("replica-1", 1000, "streaming"), replica("replica-2", 1000, "streaming"));
        long stuckSince = nowMillis;
        for (int i = 1; i <= 4; i++) {
            nowMillis += 400;
            // The primary writes on; replica-1's receiver is down, so its replay position stays where it was.
            HealthReport r = round(
                    primary(1000 + i * 100),
                    replica("replica-1", 1000, "stopping"),
                    replica("replica-2", 1000 + i * 100, "streaming"));
            NodeHealth one = r.byName().get("replica-1");
            assertThat(one.lag())
                    .isEqualTo(new ReplicaLag(i * 100L, nowMillis - stuckSince, Basis.RECEIVER_DOWN_BOUND));
            assertThat(one.inRotation()).isTrue();
        }
        nowMillis += 100;
        HealthReport r = round(
                primary(2_000_000),
                replica("replica-1", 1000, "stopping"),
                replica("replica-2", 2_000_000, "streaming"));
        assertThat(r.byName().get("replica-1").reason()).isEqualTo("lag 1999000 bytes > max-bytes 1000000");

        // Out of rotation, it does not come back before it streams again.
        for (int i = 0; i < 4; i++) {
            nowMillis += 100;
            r = round(
                    primary(2_000_000),
                    replica("replica-1", 2_000_000, null),
                    replica("replica-2", 2_000_000, "streaming"));
        }
        assertThat(r.byName().get("replica-1").reason())
                .isEqualTo("WAL receiver not running: a replica joins only while it streams");
    }

    @Test
    void aNodeOfAnotherClusterAnsweringAsPrimaryOnAHigherTimelineNeverBecomesThePrimary() {
        HealthReport r = round(
                primary(1000),
                replica("replica-1", 1000, "streaming"),
                probe("replica-2", false, 9000, -1, null, 2, OTHER_CLUSTER));
        assertThat(r.primary()).isEqualTo("primary");
        assertThat(r.roleChanged()).isFalse();
        NodeHealth foreign = r.byName().get("replica-2");
        assertThat(foreign.inRotation()).isFalse();
        assertThat(foreign.state()).isEqualTo(HealthState.DISCONNECTED);
        assertThat(foreign.reason())
                .isEqualTo("belongs to another cluster (system identifier " + OTHER_CLUSTER + ", expected " + CLUSTER
                        + ")");

        // Nor when the real primary goes away: the primary stays what it was, down.
        nowMillis += 100;
        r = round(
                down("primary"),
                replica("replica-1", 1000, "streaming"),
                probe("replica-2", false, 9000, -1, null, 2, OTHER_CLUSTER));
        assertThat(r.primary()).isEqualTo("primary");
        assertThat(r.byName().get("replica-2").inRotation()).isFalse();
    }

    @Test
    void anOldPrimaryStillRunningDoesNotTakeTheRoleBackWhenOneProbeOfTheNewOneFails() {
        round(primary(1000), replica("replica-1", 1000, "streaming"), replica("replica-2", 1000, "streaming"));
        nowMillis += 100;
        HealthReport r = round(
                primary(1000),
                probe("replica-1", false, 1200, -1, null, 2, CLUSTER),
                replica("replica-2", 1000, "streaming"));
        assertThat(r.primary()).isEqualTo("replica-1");
        assertThat(r.roleChanged()).isTrue();

        nowMillis += 100;
        r = round(primary(1000), down("replica-1"), replica("replica-2", 1000, "streaming"));
        assertThat(r.primary()).isEqualTo("replica-1");
        assertThat(r.roleChanged()).isFalse();
        assertThat(r.byName().get("replica-1").inRotation()).isFalse();
    }

    @Test
    void anOldPrimaryOnAnOlderTimelineNeverTakesOverWhenTheNewPrimaryMissesAProbe() {
        // After a switchover: replica-1, the old primary, still answers as a primary on timeline 2 (fenced), the
        // promoted node on timeline 3.
        HealthReport r = round(
                probe("primary", false, 9000, -1, null, 3, CLUSTER),
                probe("replica-1", false, 8000, -1, null, 2, CLUSTER),
                replica("replica-2", 8000, "streaming"));
        assertThat(r.primary()).isEqualTo("primary");

        nowMillis += 100;
        r = round(
                ProbeResult.failed("primary", nowMillis * MS, 80 * MS, "timed out: no answer within 80 ms"),
                probe("replica-1", false, 8000, -1, null, 2, CLUSTER),
                replica("replica-2", 8000, "streaming"));
        assertThat(r.primary()).as("the old primary on timeline 2").isEqualTo("primary");
        assertThat(r.roleChanged()).isFalse();

        // A newer history still wins: a node promoted on timeline 4.
        nowMillis += 100;
        r = round(
                down("primary"),
                probe("replica-1", false, 8000, -1, null, 2, CLUSTER),
                probe("replica-2", false, 9500, -1, null, 4, CLUSTER));
        assertThat(r.primary()).isEqualTo("replica-2");
        assertThat(r.roleChanged()).isTrue();
    }

    @Test
    void anAnnouncementHoldsOnlyOnTheTimelineItWasMadeOn() {
        // Announced on timeline 2 and left there: the node was the primary, moved away, and is the primary again on
        // timeline 4 (an HA manager restarted it as a standby before the announcement could be withdrawn).
        ProbeResult stale = withSignal(
                probe("primary", false, 1000, -1, null, 4, CLUSTER),
                new SwitchoverSignal("s1", "replica-1", 50_000, 2));
        HealthReport r = round(stale, replica("replica-1", 1000, "streaming"), replica("replica-2", 1000, "streaming"));
        assertThat(r.switchover()).as("made on another timeline").isNull();

        nowMillis += 100;
        SwitchoverSignal current = new SwitchoverSignal("s2", "replica-1", 50_000, 4);
        r = round(
                withSignal(probe("primary", false, 1000, -1, null, 4, CLUSTER), current),
                replica("replica-1", 1000, "streaming"),
                replica("replica-2", 1000, "streaming"));
        assertThat(r.switchover()).isEqualTo(current);

        nowMillis += 100;
        SwitchoverSignal noTimeline = new SwitchoverSignal("s3", "replica-1", 50_000);
        r = round(
                withSignal(probe("primary", false, 1000, -1, null, 4, CLUSTER), noTimeline),
                replica("replica-1", 1000, "streaming"),
                replica("replica-2", 1000, "streaming"));
        assertThat(r.switchover()).as("no timeline stated: held").isEqualTo(noTimeline);
    }

    @Test
    void aSignalsValueCarriesItsTimeline() {
        SwitchoverSignal parsed = SwitchoverSignal.parse(SwitchoverSignal.value("s1", "replica-1", 10_000, 3), 4_000);
        assertThat(parsed).isEqualTo(new SwitchoverSignal("s1", "replica-1", 6_000, 3));
        assertThat(SwitchoverSignal.parse("s1;replica-1;10000", 4_000))
                .isEqualTo(new SwitchoverSignal("s1", "replica-1", 6_000, 0));
        assertThat(SwitchoverSignal.parse("s1;replica-1;10000;3;x", 0)).isNull();
        assertThat(SwitchoverSignal.parse("s1;replica-1;10000;three", 0)).isNull();
    }

    private static ProbeResult withSignal(ProbeResult p, SwitchoverSignal signal) {
        return new ProbeResult(
                p.node(),
                p.ok(),
                p.inRecovery(),
                p.currentLsn(),
                p.receiveLsn(),
                p.replayLsn(),
                p.replayPaused(),
                p.receiverStatus(),
                p.timeline(),
                p.systemIdentifier(),
                p.replayAgeMillis(),
                p.startedNanos(),
                p.latencyNanos(),
                p.error(),
                signal,
                p.xidHorizon());
    }

    @Test
    void aForeignStandbyNeverServesReads() {
        HealthReport r = round(
                primary(1000),
                replica("replica-1", 1000, "streaming"),
                probe("replica-2", true, -1, 1000, "streaming", 1, OTHER_CLUSTER));
        assertThat(r.byName().get("replica-2").inRotation()).isFalse();
        assertThat(r.byName().get("replica-2").reason()).startsWith("belongs to another cluster");
    }

    @Test
    void theConfiguredPrimarysIdentifierSettlesTheClusterEvenWhenAnotherNodeAnsweredFirst() {
        // The configured primary is down at start; the only other node that answers is foreign.
        round(down("primary"), probe("replica-1", false, 500, -1, null, 1, OTHER_CLUSTER), down("replica-2"));
        assertThat(assessor.clusterIdentifier()).isEqualTo(OTHER_CLUSTER);

        nowMillis += 100;
        HealthReport r = round(
                primary(1000),
                probe("replica-1", false, 500, -1, null, 1, OTHER_CLUSTER),
                replica("replica-2", 1000, "streaming"));
        assertThat(assessor.clusterIdentifier()).isEqualTo(CLUSTER);
        assertThat(r.primary()).isEqualTo("primary");
        assertThat(r.byName().get("replica-1").reason()).startsWith("belongs to another cluster");
        assertThat(r.byName().get("replica-2").inRotation()).isTrue();
    }

    @Test
    void thePrimaryReplacedByAServerOfAnotherClusterIsNotTakenAsAnsweringPrimary() {
        round(primary(1000), replica("replica-1", 1000, "streaming"), replica("replica-2", 1000, "streaming"));
        nowMillis += 100;
        HealthReport r = round(
                probe("primary", false, 10, -1, null, 1, OTHER_CLUSTER),
                replica("replica-1", 1000, "streaming"),
                replica("replica-2", 1000, "streaming"));
        NodeHealth primary = r.byName().get("primary");
        assertThat(primary.inRotation()).isFalse();
        assertThat(primary.state()).isEqualTo(HealthState.DISCONNECTED);
        assertThat(primary.reason()).startsWith("belongs to another cluster");
        assertThat(r.byName().get("replica-1").lag().basis()).isEqualTo(Basis.PRIMARY_UNREACHABLE_BOUND);
    }

    @Test
    void anUnknownIdentifierIsNotChecked() {
        HealthReport r = round(
                primary(1000),
                replica("replica-1", 1000, "streaming"),
                probe("replica-2", true, -1, 1000, "streaming", 1, 0));
        assertThat(r.byName().get("replica-2").inRotation()).isTrue();
    }

    private HealthReport round(ProbeResult... probes) {
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        for (ProbeResult p : probes) {
            results.put(p.node(), p);
        }
        return assessor.assess(results, THRESHOLDS, nowMillis * MS);
    }

    private ProbeResult primary(long lsn) {
        return probe("primary", false, lsn, -1, null, 1, CLUSTER);
    }

    private ProbeResult replica(String name, long replay, String receiver) {
        return probe(name, true, -1, replay, receiver, 1, CLUSTER);
    }

    private ProbeResult down(String name) {
        return ProbeResult.failed(name, nowMillis * MS, MS, "PSQLException: Connection refused [SQLSTATE 08001]");
    }

    /** A probe answered at {@link #nowMillis} in no time, so that its middle is exactly now. */
    private ProbeResult probe(
            String name,
            boolean inRecovery,
            long current,
            long replay,
            String receiver,
            long timeline,
            long systemIdentifier) {
        return new ProbeResult(
                name,
                true,
                inRecovery,
                current,
                replay,
                replay,
                false,
                receiver,
                timeline,
                systemIdentifier,
                -1,
                nowMillis * MS,
                0,
                null);
    }
}
