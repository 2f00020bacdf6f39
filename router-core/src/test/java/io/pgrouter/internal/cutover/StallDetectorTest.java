package io.pgrouter.internal.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StallDetectorTest {

    private final StallDetector detector = new StallDetector(2);

    @Test
    void stalledWhenTheConfirmedPositionStaysWhileTheSourceMoves() {
        assertThat(detector.observe(100, 100)).isFalse();
        assertThat(detector.observe(200, 100)).isFalse();
        assertThat(detector.observe(300, 100)).isTrue();
        assertThat(detector.checksWithoutProgress()).isEqualTo(2);
    }

    @Test
    void anIdleSourceNeitherCountsNorResets() {
        detector.observe(100, 50);
        detector.observe(200, 50);
        assertThat(detector.observe(200, 50)).isFalse();
        assertThat(detector.observe(300, 50)).isTrue();
    }

    @Test
    void progressResets() {
        detector.observe(100, 50);
        detector.observe(200, 50);
        assertThat(detector.observe(300, 60)).isFalse();
        assertThat(detector.checksWithoutProgress()).isZero();
    }

    @Test
    void anUnknownPositionEndsTheSeries() {
        detector.observe(100, 50);
        detector.observe(200, 50);
        assertThat(detector.observe(300, -1)).isFalse();
        assertThat(detector.observe(400, 50)).isFalse();
        assertThat(detector.observe(500, 50)).isFalse();
    }
}
