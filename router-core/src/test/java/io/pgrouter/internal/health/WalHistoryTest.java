package io.pgrouter.internal.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WalHistoryTest {

    private static final long MS = 1_000_000;
    private final WalHistory history = new WalHistory(4);

    @Test
    void nothingKnownIsUnknown() {
        assertThat(history.millisBehind(100, 0)).isEqualTo(-1);
        history.record(100, 0);
        assertThat(history.millisBehind(-1, 0)).isEqualTo(-1);
    }

    @Test
    void aReplicaAtTheNewestPositionIsNotBehindHoweverIdleThePrimaryIs() {
        history.record(1000, 0);
        assertThat(history.millisBehind(1000, 60_000 * MS)).isZero();
        assertThat(history.millisBehind(1200, 60_000 * MS)).isZero();
    }

    @Test
    void aPositionBetweenSamplesIsInterpolated() {
        history.record(1000, 0);
        history.record(2000, 1000 * MS);
        // Position 1500 was passed half-way between the samples, at 500 ms; now is 3000 ms.
        assertThat(history.millisBehind(1500, 3000 * MS)).isEqualTo(2500);
        assertThat(history.millisBehind(1000, 3000 * MS)).isEqualTo(3000);
    }

    @Test
    void aPositionOlderThanEverySampleIsAtLeastAsOldAsTheOldest() {
        history.record(1000, 0);
        history.record(2000, 1000 * MS);
        assertThat(history.millisBehind(10, 5000 * MS)).isEqualTo(5000);
    }

    @Test
    void unchangedPositionsKeepTheFirstSightingAndTheRingKeepsTheNewest() {
        history.record(1000, 0);
        history.record(1000, 900 * MS);
        history.record(2000, 1000 * MS);
        assertThat(history.millisBehind(1000, 1000 * MS)).isEqualTo(1000);
        for (int i = 3; i <= 6; i++) {
            history.record(i * 1000L, i * 1000 * MS);
        }
        assertThat(history.latestLsn()).isEqualTo(6000);
        // Samples 3000..6000 remain; 2500 predates them.
        assertThat(history.millisBehind(2500, 6000 * MS)).isEqualTo(3000);
    }

    @Test
    void aPositionGoingBackStartsANewHistory() {
        history.record(5000, 0);
        history.record(100, 10 * MS);
        assertThat(history.latestLsn()).isEqualTo(100);
        assertThat(history.millisBehind(50, 20 * MS)).isEqualTo(10);
    }

    @Test
    void capacityBelowTwoIsRefused() {
        assertThatThrownBy(() -> new WalHistory(1)).hasMessage("capacity must be at least 2, was 1");
    }
}
