package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** How Spring binds the keys the docs promise. */
class PgRouterPropertiesTest {

    @Test
    void bindsRelaxedKeysDurationsAndSizes() {
        PgRouterProperties properties = bind(Map.of(
                "pgrouter.replicas[0].password-file",
                "/run/secret",
                "pgrouter.lag.max-bytes",
                "512KB",
                "pgrouter.lag.max-delay",
                "1500",
                "pgrouter.probe.timeout",
                "PT0.3S",
                "pgrouter.pool.replica.connection-timeout",
                "2s"));
        assertThat(properties.getReplicas().get(0).getPasswordFile()).isEqualTo("/run/secret");
        assertThat(properties.getLag().getMaxBytes().toBytes()).isEqualTo(512 * 1024);
        assertThat(properties.getLag().getMaxDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(properties.getProbe().getTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(properties.getPool().getReplica().getConnectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.getPool().getPrimary().getConnectionTimeout()).isNull();
    }

    @Test
    void jdbcPropertyNamesKeepTheirCase() {
        PgRouterProperties properties = bind(Map.of(
                "pgrouter.primary.properties.ApplicationName",
                "orders",
                "pgrouter.primary.properties[sslmode]",
                "require"));
        assertThat(properties.getPrimary().getProperties())
                .containsEntry("ApplicationName", "orders")
                .containsEntry("sslmode", "require");
    }

    @Test
    void thePasswordStaysOutOfToString() {
        PgRouterProperties properties = bind(Map.of("pgrouter.primary.password", "s3cret"));
        assertThat(properties.getPrimary().toString()).doesNotContain("s3cret");
    }

    private static PgRouterProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("pgrouter", PgRouterProperties.class);
    }
}
