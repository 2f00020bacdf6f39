package io.pgrouter.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentReaderTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> map = new HashMap<>(Map.of(
                "POSTGRES_HOST",
                "db-1",
                "POSTGRES_USER",
                "app",
                "POSTGRES_PASSWORD",
                "env-secret",
                "POSTGRES_DATABASE",
                "shop"));
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void mapsHostsPortsAndCredentials() {
        RouterConfig config =
                EnvironmentReader.read(env(
                        "POSTGRES_PORT",
                        "5433",
                        "POSTGRES_REPLICA_HOST",
                        "db-2, db-3:6000",
                        "POSTGRES_REPLICA_PORT",
                        "5444")::get);

        assertThat(config.primary().jdbcUrl()).isEqualTo("jdbc:postgresql://db-1:5433/shop");
        assertThat(config.replicas()).extracting(NodeConfig::name).containsExactly("replica-1", "replica-2");
        assertThat(config.replicas())
                .extracting(NodeConfig::jdbcUrl)
                .containsExactly("jdbc:postgresql://db-2:5444/shop", "jdbc:postgresql://db-3:6000/shop");
        assertThat(config.replicas()).allSatisfy(r -> {
            assertThat(r.username()).isEqualTo("app");
            assertThat(r.password()).isEqualTo("env-secret");
        });
    }

    @Test
    void replicasUseThePrimaryPortWhenNoneIsGiven() {
        RouterConfig config =
                EnvironmentReader.read(env("POSTGRES_PORT", "5433", "POSTGRES_REPLICA_HOST", "db-2")::get);

        assertThat(config.replicas().get(0).jdbcUrl()).isEqualTo("jdbc:postgresql://db-2:5433/shop");
    }

    @Test
    void mapsPoolVariables() {
        RouterConfig config = EnvironmentReader.read(env(
                "DB_POOL_SIZE",
                "5",
                "DB_MAX_OVERFLOW",
                "3",
                "DB_POOL_TIMEOUT",
                "12",
                "DB_POOL_RECYCLE",
                "1800",
                "DB_REPLICA_POOL_SIZE",
                "4",
                "DB_REPLICA_POOL_TIMEOUT",
                "1.5")::get);

        assertThat(config.primaryPool().minimumIdle()).isEqualTo(5);
        assertThat(config.primaryPool().maximumPoolSize()).isEqualTo(8);
        assertThat(config.primaryPool().connectionTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(config.primaryPool().maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.replicaPool().minimumIdle()).isEqualTo(4);
        assertThat(config.replicaPool().maximumPoolSize())
                .as("overflow defaults to 10")
                .isEqualTo(14);
        assertThat(config.replicaPool().connectionTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.replicaPool().maxLifetime())
                .as("replicas share DB_POOL_RECYCLE")
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void recycleMinusOneMeansNoLimit() {
        assertThat(EnvironmentReader.read(env("DB_POOL_RECYCLE", "-1")::get)
                        .primaryPool()
                        .maxLifetime())
                .isZero();
    }

    @Test
    void aShortRecycleShortensTheDefaultIdleTimeout() {
        RouterConfig config = EnvironmentReader.read(env("DB_POOL_RECYCLE", "600")::get);

        assertThat(config.primaryPool().maxLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.primaryPool().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void mapsSwitches() {
        RouterConfig config =
                EnvironmentReader.read(env("USE_READ_REPLICA", "false", "REPLICA_FALLBACK_ENABLED", "0")::get);

        assertThat(config.replicasEnabled()).isFalse();
        assertThat(config.fallbackToPrimary()).isFalse();
    }

    @Test
    void defaultsWithoutPoolVariables() {
        RouterConfig config = EnvironmentReader.read(env()::get);

        assertThat(config.primaryPool()).isEqualTo(io.pgrouter.PoolSettings.PRIMARY_DEFAULTS);
        assertThat(config.replicaPool()).isEqualTo(io.pgrouter.PoolSettings.REPLICA_DEFAULTS);
        assertThat(config.replicas()).isEmpty();
    }

    @Test
    void mapsTheTopologyVariablesOfPatroni(@TempDir Path dir) throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("patroni-pw"), "patroni-env-pw\n");
        RouterConfig config = EnvironmentReader.read(env(
                "PGROUTER_TOPOLOGY_SOURCE", "patroni",
                "PGROUTER_TOPOLOGY_REFRESH_INTERVAL", "250ms",
                "PGROUTER_TOPOLOGY_DRAIN_TIMEOUT", "5s",
                "PGROUTER_TOPOLOGY_PATRONI_URLS", "http://10.0.0.1:8008, https://10.0.0.2:8008",
                "PGROUTER_TOPOLOGY_PATRONI_USERNAME", "rest",
                "PGROUTER_TOPOLOGY_PATRONI_PASSWORD_FILE", passwordFile.toString(),
                "PGROUTER_TOPOLOGY_PATRONI_CA_CERT", "/etc/patroni/ca.pem",
                "PGROUTER_TOPOLOGY_PATRONI_TIMEOUT", "3s")::get);

        TopologySettings topology = config.topology();
        assertThat(topology.source()).isEqualTo("patroni");
        assertThat(topology.refreshInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(topology.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(topology.patroniUrls())
                .containsExactly(URI.create("http://10.0.0.1:8008"), URI.create("https://10.0.0.2:8008"));
        assertThat(topology.patroniUsername()).isEqualTo("rest");
        assertThat(topology.patroniPassword()).isEqualTo("patroni-env-pw");
        assertThat(topology.patroniCaCert()).isEqualTo("/etc/patroni/ca.pem");
        assertThat(topology.patroniTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(topology.toString()).doesNotContain("patroni-env-pw");
    }

    @Test
    void mapsTheTopologyVariablesOfDnsAndTakesThePatroniPasswordAsItIs() {
        RouterConfig dns = EnvironmentReader.read(env(
                "PGROUTER_TOPOLOGY_SOURCE", "dns",
                "PGROUTER_TOPOLOGY_DNS_NAME", "replicas.db.svc.cluster.local",
                "PGROUTER_TOPOLOGY_DNS_PORT", "6432",
                "PGROUTER_TOPOLOGY_DNS_RECORDS", "srv")::get);
        assertThat(dns.topology().source()).isEqualTo("dns");
        assertThat(dns.topology().dnsName()).isEqualTo("replicas.db.svc.cluster.local");
        assertThat(dns.topology().dnsPort()).isEqualTo(6432);
        assertThat(dns.topology().dnsRecords()).isEqualTo("srv");

        // A secret is not trimmed: a password may begin or end with a space.
        RouterConfig patroni = EnvironmentReader.read(env(
                "PGROUTER_TOPOLOGY_SOURCE", "patroni",
                "PGROUTER_TOPOLOGY_PATRONI_URLS", "http://10.0.0.1:8008",
                "PGROUTER_TOPOLOGY_PATRONI_USERNAME", "rest",
                "PGROUTER_TOPOLOGY_PATRONI_PASSWORD", " spaced-pw ")::get);
        assertThat(patroni.topology().patroniPassword()).isEqualTo(" spaced-pw ");
    }

    @Test
    void everyTopologyKeyHasTheVariableSpringBootWouldBindToo() {
        assertThat(EnvironmentReader.topologyProperties().stream().map(EnvironmentReader::topologyVariable))
                .contains("PGROUTER_TOPOLOGY_SOURCE", "PGROUTER_TOPOLOGY_PATRONI_PASSWORD_FILE")
                .allMatch(variable -> variable.matches("PGROUTER_TOPOLOGY_[A-Z_]+"));
    }

    @Test
    void topologyErrorsNameTheVariable() {
        assertThatThrownBy(() -> EnvironmentReader.read(env("PGROUTER_TOPOLOGY_SOURCE", "zookeeper")::get))
                .hasMessageContaining("pgrouter.topology.source (from PGROUTER_TOPOLOGY_SOURCE)")
                .hasMessageContaining("'zookeeper'");
        assertThatThrownBy(() -> EnvironmentReader.read(env("PGROUTER_TOPOLOGY_REFRESH_INTERVAL", "often")::get))
                .hasMessageContaining("pgrouter.topology.refresh-interval (from PGROUTER_TOPOLOGY_REFRESH_INTERVAL)")
                .hasMessageContaining("'often'");
        assertThatThrownBy(() -> EnvironmentReader.read(env("PGROUTER_TOPOLOGY_SOURCE", "patroni")::get))
                .hasMessageContaining("pgrouter.topology.patroni.urls (from PGROUTER_TOPOLOGY_PATRONI_URLS)")
                .hasMessageContaining("is required");
        assertThatThrownBy(() -> EnvironmentReader.read(env(
                        "PGROUTER_TOPOLOGY_SOURCE", "patroni",
                        "PGROUTER_TOPOLOGY_PATRONI_URLS", "http://10.0.0.1:8008",
                        "PGROUTER_TOPOLOGY_PATRONI_PASSWORD", "patroni-env-pw")::get))
                .hasMessageContaining("pgrouter.topology.patroni.username (from PGROUTER_TOPOLOGY_PATRONI_USERNAME)")
                .hasMessageNotContaining("patroni-env-pw");
    }

    @Test
    void errorsNameTheVariable() {
        assertThatThrownBy(() -> EnvironmentReader.read(env("DB_POOL_SIZE", "ten")::get))
                .hasMessageContaining("DB_POOL_SIZE")
                .hasMessageContaining("'ten'");
        assertThatThrownBy(() -> EnvironmentReader.read(env("DB_POOL_TIMEOUT", "0.1")::get))
                .hasMessageContaining("pgrouter.pool.primary.connection-timeout (from DB_POOL_TIMEOUT)");
        assertThatThrownBy(() -> EnvironmentReader.read(env("POSTGRES_REPLICA_HOST", "db-2:http")::get))
                .hasMessageContaining("pgrouter.replicas[0].port (from POSTGRES_REPLICA_HOST)")
                .hasMessageContaining("'http'");
        assertThatThrownBy(() -> EnvironmentReader.read(env("USE_READ_REPLICA", "sometimes")::get))
                .hasMessageContaining("USE_READ_REPLICA")
                .hasMessageContaining("'sometimes'");
        assertThatThrownBy(() -> EnvironmentReader.read(Map.<String, String>of()::get))
                .hasMessageContaining("POSTGRES_HOST");
        Map<String, String> noUser = env();
        noUser.remove("POSTGRES_USER");
        assertThatThrownBy(() -> EnvironmentReader.read(noUser::get))
                .hasMessageContaining("POSTGRES_USER")
                .hasMessageNotContaining("env-secret");
    }
}
