package io.pgrouter.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.health.ReplicaLag.Basis;
import org.junit.jupiter.api.Test;

class ReplicaLagTest {

    private static final long MS = 1_000_000;
    private final WalHistory history = new WalHistory(16);

    @Test
    void bytesAreThePrimarysPositionMinusReplayAndTimeComesFromHistory() {
        history.record(1000, 0);
        history.record(3000, 1000 * MS);
        ReplicaLag lag = ReplicaLag.of(probe(2000, 2000, 0), 3000, history, 2000 * MS);
        assertThat(lag).isEqualTo(new ReplicaLag(1000, 1500, Basis.WAL_HISTORY));
    }

    @Test
    void aReplicaAheadOfTheLastPrimarySampleIsNotBehind() {
        history.record(1000, 0);
        assertThat(ReplicaLag.of(probe(1200, 1200, 0), 1000, history, 5000 * MS))
                .isEqualTo(new ReplicaLag(0, 0, Basis.WAL_HISTORY));
    }

    @Test
    void withoutHistoryAStreamingReplicaThatReplayedAllItReceivedIsCurrent() {
        assertThat(ReplicaLag.of(probe(500, 500, 60_000), -1, history, 0))
                .isEqualTo(new ReplicaLag(-1, 0, Basis.CAUGHT_UP));
    }

    @Test
    void withoutHistoryOtherwiseTheReplayTimestampIsUsed() {
        assertThat(ReplicaLag.of(probe(900, 500, 1234), -1, history, 0))
                .isEqualTo(new ReplicaLag(-1, 1234, Basis.REPLAY_TIMESTAMP));
        assertThat(ReplicaLag.of(probe(900, 500, -1), -1, history, 0)).isEqualTo(new ReplicaLag(-1, -1, Basis.UNKNOWN));
    }

    @Test
    void noReplayPositionIsUnknown() {
        assertThat(ReplicaLag.of(probe(-1, -1, -1), 100, history, 0)).isEqualTo(ReplicaLag.UNKNOWN);
    }

    private static ProbeResult probe(long receive, long replay, long replayAgeMillis) {
        return new ProbeResult(
                "r", true, true, -1, receive, replay, false, "streaming", 1, 0, replayAgeMillis, 0, 1000, null);
    }
}
