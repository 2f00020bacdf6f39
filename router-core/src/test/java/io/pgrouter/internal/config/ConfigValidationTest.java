package io.pgrouter.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigValidationTest {

    private static final Map<String, String> VALID = Map.of(
            "pgrouter.primary.url", "jdbc:postgresql://db-1:5432/app",
            "pgrouter.primary.username", "app",
            "pgrouter.primary.password", "s3cret-pw",
            "pgrouter.replicas[0].url", "jdbc:postgresql://db-2:5432/app");

    /** A valid configuration with {@code changes} applied; a null value removes the key. */
    private static Map<String, String> with(String... changes) {
        Map<String, String> map = new HashMap<>(VALID);
        for (int i = 0; i < changes.length; i += 2) {
            if (changes[i + 1] == null) {
                map.remove(changes[i]);
            } else {
                map.put(changes[i], changes[i + 1]);
            }
        }
        return map;
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(with("pgrouter.primary.url", null), "pgrouter.primary.url", "is required"),
                Arguments.of(
                        with("pgrouter.primary.url", "jdbc:mysql://db-1/app"),
                        "pgrouter.primary.url",
                        "'jdbc:mysql://db-1/app'"),
                Arguments.of(with("pgrouter.primary.host", "db-1"), "pgrouter.primary.url", "'db-1'"),
                Arguments.of(
                        with(
                                "pgrouter.replicas[0].url",
                                null,
                                "pgrouter.replicas[0].host",
                                "db-2",
                                "pgrouter.replicas[0].port",
                                "70000"),
                        "pgrouter.replicas[0].port",
                        "'70000'"),
                Arguments.of(
                        with(
                                "pgrouter.replicas[0].url",
                                null,
                                "pgrouter.replicas[0].host",
                                "db-2",
                                "pgrouter.replicas[0].port",
                                "five"),
                        "pgrouter.replicas[0].port",
                        "'five'"),
                Arguments.of(
                        with("pgrouter.replicas[0].name", "bad name!"), "pgrouter.replicas[0].name", "'bad name!'"),
                Arguments.of(with("pgrouter.replicas[0].name", "primary"), "pgrouter.replicas[0].name", "'primary'"),
                Arguments.of(with("pgrouter.replicas[0].weight", "0"), "pgrouter.replicas[0].weight", "'0'"),
                Arguments.of(with("pgrouter.replicas[0].weight", "heavy"), "pgrouter.replicas[0].weight", "'heavy'"),
                Arguments.of(
                        with("pgrouter.replicas[2].url", "jdbc:postgresql://db-4/app"),
                        "pgrouter.replicas[2].url",
                        "pgrouter.replicas[1]"),
                Arguments.of(
                        with("pgrouter.pool.replica.maximum-pool-size", "0"),
                        "pgrouter.pool.replica.maximum-pool-size",
                        "'0'"),
                Arguments.of(
                        with("pgrouter.pool.primary.minimum-idle", "20"), "pgrouter.pool.primary.minimum-idle", "'20'"),
                Arguments.of(
                        with("pgrouter.pool.primary.connection-timeout", "100ms"),
                        "pgrouter.pool.primary.connection-timeout",
                        "'PT0.1S'"),
                Arguments.of(
                        with("pgrouter.pool.replica.connection-timeout", "5 parsecs"),
                        "pgrouter.pool.replica.connection-timeout",
                        "'5 parsecs'"),
                Arguments.of(
                        with("pgrouter.pool.primary.max-lifetime", "10s"),
                        "pgrouter.pool.primary.max-lifetime",
                        "'PT10S'"),
                Arguments.of(
                        with("pgrouter.pool.primary.idle-timeout", "40m"),
                        "pgrouter.pool.primary.idle-timeout",
                        "'PT40M'"),
                Arguments.of(
                        with("pgrouter.pool.replica.leak-detection-threshold", "1s"),
                        "pgrouter.pool.replica.leak-detection-threshold",
                        "'PT1S'"),
                Arguments.of(with("pgrouter.selection", "fastest"), "pgrouter.selection", "'fastest'"),
                Arguments.of(
                        with("pgrouter.replicas[0].probe-url", "jdbc:mysql://db-2/app"),
                        "pgrouter.replicas[0].probe-url",
                        "must start with jdbc:postgresql:"),
                Arguments.of(
                        with("pgrouter.primary.probe-url", "jdbc:postgresql://db-1/app?password=leaky"),
                        "pgrouter.primary.probe-url",
                        "must not hold the password"),
                Arguments.of(with("pgrouter.fallback-to-primary", "maybe"), "pgrouter.fallback-to-primary", "'maybe'"),
                Arguments.of(
                        with("pgrouter.fallback-to-primari", "true"),
                        "pgrouter.fallback-to-primari",
                        "did you mean 'pgrouter.fallback-to-primary'"),
                Arguments.of(
                        with("pgrouter.replicas[1].pasword", "x"),
                        "pgrouter.replicas[1].pasword",
                        "did you mean 'pgrouter.replicas[1].password'"),
                Arguments.of(
                        with("pgrouter.primary.password-file", "/etc/pw"),
                        "pgrouter.primary.password-file",
                        "'/etc/pw'"),
                Arguments.of(
                        with("pgrouter.primary.properties.password", "x"),
                        "pgrouter.primary.properties.password",
                        "not allowed"),
                Arguments.of(
                        with("pgrouter.failed-replica-backoff", "-PT1S"), "pgrouter.failed-replica-backoff", "'PT-1S'"),
                Arguments.of(with("pgrouter.primary.username", null), "pgrouter.primary.username", "is required"),
                Arguments.of(with("pgrouter.probe.interval", "10ms"), "pgrouter.probe.interval", "PT0.01S"),
                Arguments.of(
                        with("pgrouter.probe.interval", "1s", "pgrouter.probe.timeout", "2s"),
                        "pgrouter.probe.timeout",
                        "PT2S"),
                Arguments.of(
                        with("pgrouter.probe.abort-on-timeout", "sometimes"),
                        "pgrouter.probe.abort-on-timeout",
                        "'sometimes'"),
                Arguments.of(with("pgrouter.lag.max-bytes", "16 megs"), "pgrouter.lag.max-bytes", "'16 megs'"),
                Arguments.of(with("pgrouter.lag.max-delay", "-PT1S"), "pgrouter.lag.max-delay", "PT-1S"),
                Arguments.of(with("pgrouter.lag.rejoin-after", "0"), "pgrouter.lag.rejoin-after", "was 0"),
                Arguments.of(
                        with("pgrouter.lag.primary-away-max-delay", "-PT5S"),
                        "pgrouter.lag.primary-away-max-delay",
                        "PT-5S"),
                Arguments.of(
                        with("pgrouter.lag.max-dely", "1s"),
                        "pgrouter.lag.max-dely",
                        "did you mean 'pgrouter.lag.max-delay'"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badConfigurations")
    void rejectsBadConfigurationNamingKeyAndValue(Map<String, String> properties, String key, String detail) {
        assertThatThrownBy(() -> PropertiesReader.read(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
    }

    @Test
    void aValidConfigurationFillsDefaults() {
        RouterConfig config = PropertiesReader.read(VALID);

        assertThat(config.primary().name()).isEqualTo("primary");
        assertThat(config.replicas()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("replica-1");
            assertThat(r.username()).as("replicas log in as the primary's user").isEqualTo("app");
            assertThat(r.password()).isEqualTo("s3cret-pw");
        });
        assertThat(config.fallbackToPrimary()).isTrue();
        assertThat(config.replicasEnabled()).isTrue();
        assertThat(config.selector()).hasToString("least-in-flight");
        assertThat(config.monitor().interval()).hasMillis(500);
        assertThat(config.monitor().timeout()).hasMillis(400);
        assertThat(config.lag()).isEqualTo(io.pgrouter.LagThresholds.ofDefaults());
        assertThat(config.abortOnProbeTimeout()).isTrue();
    }

    @Test
    void healthKeysAreReadWithTheirUnits() {
        RouterConfig config = PropertiesReader.read(with(
                "pgrouter.lag.max-bytes",
                "512kB",
                "pgrouter.lag.max-delay",
                "2s",
                "pgrouter.lag.rejoin-after",
                "5",
                "pgrouter.lag.primary-away-max-delay",
                "90s",
                "pgrouter.probe.interval",
                "250ms",
                "pgrouter.probe.abort-on-timeout",
                "off",
                "pgrouter.enabled",
                "true"));
        assertThat(config.lag())
                .isEqualTo(new io.pgrouter.LagThresholds(
                        512 * 1024, java.time.Duration.ofSeconds(2), 5, java.time.Duration.ofSeconds(90)));
        assertThat(config.monitor().timeout()).hasMillis(200);
        assertThat(config.abortOnProbeTimeout()).isFalse();
    }

    @Test
    void probesConnectAtTheProbeUrlAsTheProbeUserWhileThePoolsKeepTheirUrl() {
        RouterConfig config = PropertiesReader.read(with(
                "pgrouter.primary.url", "jdbc:postgresql://bouncer-1:6432/app?prepareThreshold=0",
                "pgrouter.primary.probe-url", "jdbc:postgresql://db-1:5432/app",
                "pgrouter.probe.username", "monitor",
                "pgrouter.probe.password", "monitor-pw"));

        NodeConfig primary = config.nodes().get(0);
        NodeConfig primaryProbe = config.probeNodes().get(0);
        NodeConfig replicaProbe = config.probeNodes().get(1);
        assertThat(primary.jdbcUrl()).isEqualTo("jdbc:postgresql://bouncer-1:6432/app?prepareThreshold=0");
        assertThat(primary.username()).isEqualTo("app");
        assertThat(primaryProbe.jdbcUrl()).isEqualTo("jdbc:postgresql://db-1:5432/app");
        assertThat(primaryProbe.username()).isEqualTo("monitor");
        assertThat(primaryProbe.password()).isEqualTo("monitor-pw");
        assertThat(replicaProbe.jdbcUrl())
                .as("a node without a probe URL is probed at its URL")
                .isEqualTo("jdbc:postgresql://db-2:5432/app");
        assertThat(primary.toString()).contains("probeUrl=jdbc:postgresql://db-1:5432/app");
    }

    @Test
    void hostPortAndDatabaseBuildTheUrl() {
        RouterConfig config = PropertiesReader.read(with(
                "pgrouter.replicas[0].url",
                null,
                "pgrouter.replicas[0].host",
                "db-2",
                "pgrouter.replicas[0].port",
                "6432",
                "pgrouter.replicas[0].database",
                "app",
                "pgrouter.replicas[0].weight",
                "3",
                "pgrouter.replicas[0].properties.ssl",
                "true",
                "pgrouter.selection",
                "weighted"));

        assertThat(config.replicas().get(0).jdbcUrl()).isEqualTo("jdbc:postgresql://db-2:6432/app");
        assertThat(config.replicas().get(0).weight()).isEqualTo(3);
        assertThat(config.replicas().get(0).properties()).containsEntry("ssl", "true");
        assertThat(config.selector()).hasToString("weighted");
    }

    @Test
    void readsThePasswordFileAndKeepsItOutOfToString(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file-pw\n");
        RouterConfig config = PropertiesReader.read(
                with("pgrouter.primary.password", null, "pgrouter.primary.password-file", file.toString()));

        assertThat(config.primary().password()).isEqualTo("from-file-pw");
        assertThat(config.primary().toString()).doesNotContain("from-file-pw").contains(Secrets.MASK);
    }

    @Test
    void readsThePatroniPasswordFileAndKeepsItOutOfEveryMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("patroni-pw");
        Files.writeString(file, "patroni-file-pw\n");
        String[] patroni = {
            "pgrouter.topology.source", "patroni",
            "pgrouter.topology.patroni.urls", "http://10.0.0.1:8008",
            "pgrouter.topology.patroni.username", "rest"
        };
        RouterConfig config = PropertiesReader.read(
                with(append(patroni, "pgrouter.topology.patroni.password-file", file.toString())));

        assertThat(config.topology().patroniPassword()).isEqualTo("patroni-file-pw");
        assertThat(config.topology().toString())
                .doesNotContain("patroni-file-pw")
                .contains(Secrets.MASK);
        assertThatThrownBy(() -> PropertiesReader.read(with(append(
                        patroni,
                        "pgrouter.topology.patroni.password-file",
                        file.toString(),
                        "pgrouter.topology.patroni.password",
                        "patroni-inline-pw"))))
                .hasMessageContaining("pgrouter.topology.patroni.password and pgrouter.topology.patroni.password-file")
                .hasMessageContaining("mutually exclusive")
                .hasMessageNotContaining("patroni-inline-pw")
                .hasMessageNotContaining("patroni-file-pw");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> PropertiesReader.read(
                        with(append(patroni, "pgrouter.topology.patroni.password-file", empty.toString()))))
                .hasMessageContaining("pgrouter.topology.patroni.password-file")
                .hasMessageContaining("names an empty file");
        assertThatThrownBy(() -> PropertiesReader.read(with(append(
                        patroni,
                        "pgrouter.topology.patroni.password-file",
                        dir.resolve("absent").toString()))))
                .hasMessageContaining("pgrouter.topology.patroni.password-file")
                .hasMessageContaining("must name a readable file");
        assertThatThrownBy(() -> PropertiesReader.read(with(
                        "pgrouter.topology.source",
                        "patroni",
                        "pgrouter.topology.patroni.urls",
                        "http://10.0.0.1:8008",
                        "pgrouter.topology.patroni.password-file",
                        file.toString())))
                .hasMessageContaining("pgrouter.topology.patroni.username is required")
                .hasMessageNotContaining("patroni-file-pw");
    }

    private static String[] append(String[] pairs, String... more) {
        return Stream.concat(Stream.of(pairs), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void masksSecretsInUrlsAndProperties() {
        assertThat(Secrets.maskUrl("jdbc:postgresql://h/db?ssl=true&sslpassword=abc"))
                .isEqualTo("jdbc:postgresql://h/db?ssl=true&sslpassword=<masked>");
        assertThatThrownBy(() ->
                        PropertiesReader.read(with("pgrouter.primary.url", "jdbc:postgresql://h/db?password=leaky")))
                .hasMessageContaining("pgrouter.primary.url")
                .hasMessageNotContaining("leaky");
    }

    @Test
    void ignoresKeysOutsideThePrefix() {
        assertThat(PropertiesReader.read(with("spring.datasource.url", "whatever"))
                        .replicas())
                .hasSize(1);
    }
}
