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
        ReplicaLag lag = ReplicaLag.of(probe(2000, 2000, 0), 3000, -1, history, 2000 * MS);
        assertThat(lag).isEqualTo(new ReplicaLag(1000, 1500, Basis.WAL_HISTORY));
    }

    @Test
    void walLeftToReplayWithoutAnEndedTransactionIsNoLagInTime() {
        // An idle primary wrote a record that ends no transaction (running xacts, say) 8 s ago; the replica has not
        // replayed it yet, but it has ended every transaction the primary had ended.
        history.record(1000, 0);
        history.record(1096, 1000 * MS);
        assertThat(ReplicaLag.of(probe(1000, 1000, 0, 700), 1096, 700, history, 9000 * MS))
                .isEqualTo(new ReplicaLag(96, 0, Basis.TRANSACTIONS_REPLAYED));
        // A transaction ended on the primary that the replica has not replayed: the lag in time stands.
        assertThat(ReplicaLag.of(probe(1000, 1000, 0, 700), 1096, 701, history, 9000 * MS))
                .isEqualTo(new ReplicaLag(96, 9000, Basis.WAL_HISTORY));
        // Unknown horizons (the primary's, or on another timeline): as before.
        assertThat(ReplicaLag.of(probe(1000, 1000, 0, -1), 1096, 700, history, 9000 * MS))
                .isEqualTo(new ReplicaLag(96, 9000, Basis.WAL_HISTORY));
        assertThat(ReplicaLag.of(probe(1000, 1000, 0, 700), 1096, -1, history, 9000 * MS))
                .isEqualTo(new ReplicaLag(96, 9000, Basis.WAL_HISTORY));
    }

    @Test
    void aReplicaAheadOfTheLastPrimarySampleIsNotBehind() {
        history.record(1000, 0);
        assertThat(ReplicaLag.of(probe(1200, 1200, 0), 1000, -1, history, 5000 * MS))
                .isEqualTo(new ReplicaLag(0, 0, Basis.WAL_HISTORY));
    }

    @Test
    void withoutHistoryAStreamingReplicaThatReplayedAllItReceivedIsCurrent() {
        assertThat(ReplicaLag.of(probe(500, 500, 60_000), -1, -1, history, 0))
                .isEqualTo(new ReplicaLag(-1, 0, Basis.CAUGHT_UP));
    }

    @Test
    void withoutHistoryOtherwiseTheReplayTimestampIsUsed() {
        assertThat(ReplicaLag.of(probe(900, 500, 1234), -1, -1, history, 0))
                .isEqualTo(new ReplicaLag(-1, 1234, Basis.REPLAY_TIMESTAMP));
        assertThat(ReplicaLag.of(probe(900, 500, -1), -1, -1, history, 0))
                .isEqualTo(new ReplicaLag(-1, -1, Basis.UNKNOWN));
    }

    @Test
    void noReplayPositionIsUnknown() {
        assertThat(ReplicaLag.of(probe(-1, -1, -1), 100, -1, history, 0)).isEqualTo(ReplicaLag.UNKNOWN);
    }

    private static ProbeResult probe(long receive, long replay, long replayAgeMillis) {
        return probe(receive, replay, replayAgeMillis, -1);
    }

    private static ProbeResult probe(long receive, long replay, long replayAgeMillis, long xidHorizon) {
        return new ProbeResult(
                "r",
                true,
                true,
                -1,
                receive,
                replay,
                false,
                "streaming",
                1,
                0,
                replayAgeMillis,
                0,
                1000,
                null,
                null,
                xidHorizon);
    }
}
