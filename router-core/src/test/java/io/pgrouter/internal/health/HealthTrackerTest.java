package io.pgrouter.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.HealthState;
import io.pgrouter.LagThresholds;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private static final LagThresholds THRESHOLDS = new LagThresholds(1000, Duration.ofMillis(500), 3);
    private final HealthTracker tracker = new HealthTracker();

    @Test
    void startsUnknownAndOutOfRotation() {
        assertThat(tracker.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(tracker.inRotation()).isFalse();
        assertThat(tracker.reason()).isEqualTo("not probed yet");
    }

    @Test
    void theFirstGoodProbeAdmitsAtOnce() {
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isTrue();
        assertThat(tracker.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(tracker.reason()).isNull();
    }

    @Test
    void overEitherThresholdLeavesAtOnceAndReturnsAfterRejoinAfterGoodProbes() {
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        tracker.update(replica(), lag(1001, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isFalse();
        assertThat(tracker.state()).isEqualTo(HealthState.LAGGING);
        assertThat(tracker.reason()).isEqualTo("lag 1001 bytes > max-bytes 1000");

        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isFalse();
        assertThat(tracker.reason()).isEqualTo("returning: 2 of 3 good probes");
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isTrue();
        assertThat(tracker.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void aBadProbeOnTheWayBackStartsTheCountAgain() {
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        tracker.update(replica(), lag(10, 501), 1, THRESHOLDS);
        assertThat(tracker.reason()).isEqualTo("lag 501 ms > max-delay 500 ms");
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        tracker.update(replica(), lag(10, 600), 1, THRESHOLDS);
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isFalse();
        tracker.update(replica(), lag(10, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isTrue();
    }

    @Test
    void unreachableDisconnectedUnknownAndAnotherTimelineAllKeepAReplicaOut() {
        tracker.update(
                ProbeResult.failed("r", 0, 0, "SocketTimeoutException: Read timed out"),
                ReplicaLag.UNKNOWN,
                1,
                THRESHOLDS);
        assertThat(tracker.state()).isEqualTo(HealthState.UNREACHABLE);
        assertThat(tracker.reason()).isEqualTo("probe failed: SocketTimeoutException: Read timed out");

        tracker.update(probe(true, "stopping", 1), lag(0, 0), 1, THRESHOLDS);
        assertThat(tracker.state()).isEqualTo(HealthState.DISCONNECTED);
        assertThat(tracker.reason()).isEqualTo("WAL receiver stopping: a replica joins only while it streams");

        tracker.update(probe(true, "streaming", 2), lag(0, 0), 1, THRESHOLDS);
        assertThat(tracker.reason()).isEqualTo("on timeline 2, the primary on 1");

        tracker.update(replica(), new ReplicaLag(-1, 5, ReplicaLag.Basis.WAL_HISTORY), 1, THRESHOLDS);
        assertThat(tracker.reason()).isEqualTo("lag unknown (the primary could not be probed)");

        tracker.update(probe(false, null, 2), lag(0, 0), 1, THRESHOLDS);
        assertThat(tracker.reason())
                .isEqualTo("not in recovery: it answers as a primary, but another node is the primary");
        assertThat(tracker.inRotation()).isFalse();
    }

    @Test
    void aThresholdChangeAppliesAtTheNextProbe() {
        tracker.update(replica(), lag(500, 10), 1, THRESHOLDS);
        assertThat(tracker.inRotation()).isTrue();
        tracker.update(replica(), lag(500, 10), 1, new LagThresholds(100, Duration.ofSeconds(1), 3));
        assertThat(tracker.inRotation()).isFalse();
    }

    static ProbeResult replica() {
        return probe(true, "streaming", 1);
    }

    static ProbeResult probe(boolean inRecovery, String receiver, long timeline) {
        return new ProbeResult("r", true, inRecovery, -1, 100, 100, false, receiver, timeline, 0, 0, 0, 1000, null);
    }

    static ReplicaLag lag(long bytes, long millis) {
        return new ReplicaLag(bytes, millis, ReplicaLag.Basis.WAL_HISTORY);
    }
}
