package io.pgrouter.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CutoverReadinessBuilderTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/shop";

    @Test
    void sourceAndTargetAreRequired() {
        assertThatThrownBy(
                        () -> CutoverReadiness.builder().target(URL, "u", "p").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source is required: call source(url, user, password) or source(dataSource)");
        assertThatThrownBy(
                        () -> CutoverReadiness.builder().source(URL, "u", "p").build())
                .hasMessage("target is required: call target(url, user, password) or target(dataSource)");
    }

    @Test
    void aBadUrlIsNamedWithItsSecretsMasked() {
        assertThatThrownBy(() -> CutoverReadiness.builder()
                        .source(URL, "u", "p")
                        .target("jdbc:mysql://db/shop?password=hunter2", "u", "p")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target.url must be a PostgreSQL JDBC URL")
                .hasMessageContaining("jdbc:mysql://db/shop?password=<masked>")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void badThresholdsNameTheKeyAndTheValue() {
        CutoverReadiness.Builder b = CutoverReadiness.builder();
        assertThatThrownBy(() -> b.maxLagBytes(-1)).hasMessage("maxLagBytes must be at least 0, was -1");
        assertThatThrownBy(() -> b.maxLagTime(Duration.ofSeconds(-1)))
                .hasMessage("maxLagTime must be zero or positive, was PT-1S");
        assertThatThrownBy(() -> b.stableFor(null)).hasMessage("stableFor must be zero or positive, was null");
        assertThatThrownBy(() -> b.exactCountRowLimit(-5)).hasMessage("exactCountRowLimit must be at least 0, was -5");
        assertThatThrownBy(() -> b.stalledAfterChecks(0)).hasMessage("stalledAfterChecks must be at least 1, was 0");
        assertThatThrownBy(() -> b.queryTimeout(Duration.ZERO)).hasMessage("queryTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> b.subscription(" ")).hasMessage("subscription must not be blank, was ' '");
    }

    @Test
    void anUnreachableSideMakesTheLightRedInsteadOfThrowing() {
        // Port 1 on loopback refuses at once.
        CutoverReadiness readiness = CutoverReadiness.builder()
                .source("jdbc:postgresql://127.0.0.1:1/shop", "u", "secret-source")
                .target("jdbc:postgresql://127.0.0.1:1/shop", "u", "secret-target")
                .queryTimeout(Duration.ofSeconds(1))
                .build();
        ReadinessReport report = readiness.check();
        assertThat(report.light()).isEqualTo(ReadinessReport.Light.RED);
        assertThat(report.reasons())
                .hasSize(2)
                .anyMatch(r -> r.startsWith("cannot connect to the target jdbc:postgresql://127.0.0.1:1/shop"))
                .anyMatch(r -> r.startsWith("cannot connect to the source jdbc:postgresql://127.0.0.1:1/shop"));
        assertThat(report.toString() + report.toJson()).doesNotContain("secret");
    }
}
