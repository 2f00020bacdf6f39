package io.pgrouter.internal.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WalTimelineTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final WalTimeline timeline = new WalTimeline(3);

    @Test
    void nothingKnownIsUnknown() {
        assertThat(timeline.behind(100, T0)).isNull();
        timeline.record(100, T0);
        assertThat(timeline.behind(-1, T0)).isNull();
    }

    @Test
    void everythingConfirmedIsNotBehindHoweverIdleTheSource() {
        timeline.record(1000, T0);
        assertThat(timeline.behind(1000, T0.plusSeconds(600))).isZero();
    }

    @Test
    void aPositionBetweenSamplesIsInterpolated() {
        timeline.record(1000, T0);
        timeline.record(2000, T0.plusSeconds(1));
        assertThat(timeline.behind(1500, T0.plusSeconds(3))).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void aPositionOlderThanEverySampleIsAtLeastAsOldAsTheOldestKept() {
        timeline.record(1000, T0);
        timeline.record(2000, T0.plusSeconds(1));
        timeline.record(3000, T0.plusSeconds(2));
        timeline.record(4000, T0.plusSeconds(3)); // the first sample falls out
        assertThat(timeline.behind(10, T0.plusSeconds(5))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aSourceThatWentBackwardsStartsAFreshHistory() {
        timeline.record(5000, T0);
        timeline.record(100, T0.plusSeconds(10));
        assertThat(timeline.behind(50, T0.plusSeconds(11))).isEqualTo(Duration.ofSeconds(1));
    }
}
