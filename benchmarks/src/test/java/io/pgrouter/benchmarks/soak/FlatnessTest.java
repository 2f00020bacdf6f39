package io.pgrouter.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class FlatnessTest {

    @Test
    void aSeriesThatOnlyWobblesIsFlat() {
        Flatness f = Flatness.judge("threads", series(40, i -> 50 + (i % 3)), 0.1, 0.25, 0, 2);

        assertThat(f.flat()).isTrue();
        assertThat(f.firstWindow()).isEqualTo(51);
        assertThat(f.lastWindow()).isEqualTo(51);
    }

    @Test
    void aSteadyClimbIsGrowingAndItsSlopeIsPerHour() {
        // One more every 10 s sample: 360 an hour.
        Flatness f = Flatness.judge("open fds", series(40, i -> 100 + i), 0.1, 0.25, 0, 10);

        assertThat(f.flat()).isFalse();
        assertThat(f.slopePerHour()).isCloseTo(360, within(0.001));
        assertThat(f.describe()).contains("open fds").contains("GROWING");
    }

    @Test
    void theWarmUpIsLeftOutAndOneSpikeInAWindowDoesNotDecide() {
        List<Flatness.Point> points = series(40, i -> i < 4 ? 10 : 80);
        points.set(39, new Flatness.Point(390, 500));

        Flatness f = Flatness.judge("heap after GC, MB", points, 0.1, 0.25, 0.2, 8);

        assertThat(f.firstWindow()).isEqualTo(80);
        assertThat(f.lastWindow()).isEqualTo(80);
        assertThat(f.allowed()).isCloseTo(104, within(0.001));
        assertThat(f.flat()).isTrue();
    }

    @Test
    void aCountThatDipsInTheFirstWindowIsJudgedAgainstItsHighest() {
        // 20 connections, refilling from 10 during most of the first window.
        List<Flatness.Point> points = series(40, i -> i > 4 && i < 10 ? 10 : 20);

        assertThat(Flatness.judge("pool connections", points, 0.1, 0.25, 0, 2).flat())
                .as("against the median")
                .isFalse();
        assertThat(Flatness.judge("pool connections", points, 0.1, 0.25, 0, 2, true)
                        .flat())
                .as("against the highest")
                .isTrue();
    }

    @Test
    void aShrinkingSeriesIsFlat() {
        assertThat(Flatness.judge("threads", series(20, i -> 60 - i), 0, 0.25, 0, 0)
                        .flat())
                .isTrue();
    }

    @Test
    void tooFewSamplesAreRefusedNamingTheSeries() {
        assertThatThrownBy(() -> Flatness.judge("threads", series(4, i -> 1), 0.5 - 1e-9, 0.25, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads")
                .hasMessageContaining("at least 4");
        assertThatThrownBy(() -> Flatness.judge("threads", series(40, i -> 1), 0.1, 0.6, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.6");
    }

    private static List<Flatness.Point> series(int n, IntToDoubleFunction value) {
        List<Flatness.Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new Flatness.Point(i * 10, value.applyAsDouble(i)));
        }
        return points;
    }
}
