package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.internal.config.CutoverSettings;
import io.pgrouter.internal.config.PropertiesReader;
import io.pgrouter.internal.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void theRoutersTlsReachesTheTargetsNodesBeneathTheirOwn(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("root.crt"), "a CA certificate");
        Map<String, String> p = routerWithTarget();
        p.put("pgrouter.ssl.mode", "verify-full");
        p.put("pgrouter.ssl.root-cert", ca.toString());
        p.put("pgrouter.cutover.target.replicas[0].ssl.mode", "verify-ca");

        RouterConfig followed =
                CutoverTarget.ofRouterProperties(p).applyTo(PropertiesReader.read(p), PropertiesReader.routerTls(p));

        assertThat(followed.primary().properties())
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", ca.toString());
        assertThat(followed.replicas().get(0).properties())
                .as("the node's own mode, the router's CA")
                .containsEntry("sslmode", "verify-ca")
                .containsEntry("sslrootcert", ca.toString());
    }

    @Test
    void aTargetBuiltInJavaTakesTheRoutersTlsBeneathItsOwn(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("root.crt"), "a CA certificate");
        Path targetCa = Files.writeString(dir.resolve("target-root.crt"), "the target's CA certificate");
        RouterConfig current = PropertiesReader.read(routerWithTarget());
        CutoverTarget plain = CutoverTarget.builder()
                .primary("pg18", "jdbc:postgresql://new:5432/shop", "app", "s3cret-target")
                .build();
        CutoverTarget ownCa = CutoverTarget.builder()
                .primary("pg18", "jdbc:postgresql://new:5432/shop", "app", "s3cret-target")
                .tls(TlsSettings.custom().rootCertificate(targetCa))
                .build();
        Map<String, String> routerTls = Map.of("mode", "verify-full", "root-cert", ca.toString());

        assertThat(plain.applyTo(current, routerTls).primary().properties())
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", ca.toString());
        assertThat(ownCa.applyTo(current, routerTls).primary().properties())
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", targetCa.toString());
        assertThat(plain.applyTo(current, Map.of()).primary().properties())
                .as("a router without TLS settings adds none")
                .doesNotContainKey("sslmode");
    }

    @Test
    void routerTlsThatTheTargetCannotUseIsRefusedNamingTheRoutersKey() {
        Map<String, String> p = routerWithTarget();
        p.put("pgrouter.ssl.mode", "verify-full");

        CutoverTarget target = CutoverTarget.ofRouterProperties(p);

        assertThatThrownBy(() -> target.applyTo(
                        PropertiesReader.read(Map.of(
                                "pgrouter.primary.name", "pg15",
                                "pgrouter.primary.url", "jdbc:postgresql://old:5432/shop",
                                "pgrouter.primary.username", "app")),
                        PropertiesReader.routerTls(p)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.ssl.mode")
                .hasMessageContaining("root-cert");
    }

    @Test
    void aTargetKeyWithoutAValueIsNamed() {
        Map<String, String> p = routerWithTarget();
        p.put("pgrouter.cutover.target.primary.username", null);

        assertThatThrownBy(() -> CutoverTarget.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.cutover.target.primary.username");
    }

    @Test
    void withoutTargetKeysTheNodeKeysAreTheTarget() {
        CutoverTarget target = CutoverTarget.fromProperties(Map.of(
                "pgrouter.primary.name", "pg18",
                "pgrouter.primary.url", "jdbc:postgresql://new:5432/shop",
                "pgrouter.primary.username", "app"));

        assertThat(target.primary()).isEqualTo("pg18");
        assertThat(PropertiesReader.hasCutoverTarget(Map.of("pgrouter.primary.url", "x")))
                .isFalse();
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
