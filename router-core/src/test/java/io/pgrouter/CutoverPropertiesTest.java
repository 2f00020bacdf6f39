package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.internal.config.CutoverSettings;
import io.pgrouter.internal.config.PropertiesReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code pgrouter.cutover.*} keys: the target's nodes and how its readiness is watched. */
class CutoverPropertiesTest {

    private static Map<String, String> routerWithTarget() {
        Map<String, String> p = new HashMap<>();
        p.put("pgrouter.primary.name", "pg15");
        p.put("pgrouter.primary.url", "jdbc:postgresql://old:5432/shop");
        p.put("pgrouter.primary.username", "app");
        p.put("pgrouter.cutover.target.primary.name", "pg18");
        p.put("pgrouter.cutover.target.primary.url", "jdbc:postgresql://new:5432/shop");
        p.put("pgrouter.cutover.target.primary.username", "app");
        p.put("pgrouter.cutover.target.primary.password", "s3cret-target");
        p.put("pgrouter.cutover.target.replicas[0].name", "pg18-r");
        p.put("pgrouter.cutover.target.replicas[0].url", "jdbc:postgresql://new-r:5432/shop");
        return p;
    }

    @Test
    void theTargetComesFromItsOwnKeysAndNotFromTheRoutersNodes() {
        CutoverTarget target = CutoverTarget.fromProperties(routerWithTarget());

        assertThat(target.primary()).isEqualTo("pg18");
        assertThat(target.nodeNames()).containsExactly("pg18", "pg18-r");
        assertThat(target.toString()).doesNotContain("s3cret-target");
    }

    @Test
    void withoutTargetKeysTheNodeKeysAreTheTarget() {
        CutoverTarget target = CutoverTarget.fromProperties(Map.of(
                "pgrouter.primary.name", "pg18",
                "pgrouter.primary.url", "jdbc:postgresql://new:5432/shop",
                "pgrouter.primary.username", "app"));

        assertThat(target.primary()).isEqualTo("pg18");
        assertThat(PropertiesReader.readCutoverTarget(Map.of("pgrouter.primary.url", "x")))
                .isEmpty();
    }

    @Test
    void errorsNameTheTargetsKeyAndNeverItsPassword() {
        Map<String, String> typo = routerWithTarget();
        typo.put("pgrouter.cutover.target.primary.urll", "jdbc:postgresql://new:5432/shop");
        assertThatThrownBy(() -> CutoverTarget.fromProperties(typo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pgrouter.cutover.target.primary.urll'")
                .hasMessageContaining("did you mean 'pgrouter.cutover.target.primary.url'");

        Map<String, String> noUser = routerWithTarget();
        noUser.remove("pgrouter.cutover.target.primary.username");
        assertThatThrownBy(() -> CutoverTarget.fromProperties(noUser))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.cutover.target.primary.username")
                .hasMessageNotContaining("s3cret-target");

        Map<String, String> badWeight = routerWithTarget();
        badWeight.put("pgrouter.cutover.target.replicas[0].weight", "0");
        assertThatThrownBy(() -> CutoverTarget.fromProperties(badWeight))
                .hasMessageContaining("pgrouter.cutover.target.replicas[0].weight");
    }

    @Test
    void theReadinessScheduleHasDefaultsAndRefusesAnIntervalUnder100ms() {
        assertThat(PropertiesReader.readCutoverSettings(Map.of())).isEqualTo(CutoverSettings.DEFAULTS);
        assertThat(PropertiesReader.readCutoverSettings(Map.of(
                        "pgrouter.cutover.readiness.check-interval", "250ms",
                        "pgrouter.cutover.readiness.stable-for", "2s")))
                .isEqualTo(new CutoverSettings(Duration.ofMillis(250), Duration.ofSeconds(2)));
        assertThatThrownBy(() -> PropertiesReader.readCutoverSettings(
                        Map.of("pgrouter.cutover.readiness.check-interval", "50ms")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.cutover.readiness.check-interval")
                .hasMessageContaining("PT0.05S");
        assertThatThrownBy(() ->
                        PropertiesReader.readCutoverSettings(Map.of("pgrouter.cutover.readiness.stable-for", "soon")))
                .hasMessageContaining("pgrouter.cutover.readiness.stable-for");
        assertThatThrownBy(() -> RoutingDataSource.builder().cutoverReadiness(Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("pgrouter.cutover.readiness.check-interval");
    }
}
