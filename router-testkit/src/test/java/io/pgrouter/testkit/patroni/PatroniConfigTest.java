package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PatroniConfigTest {

    private static final PatroniConfig.Cluster CLUSTER = new PatroniConfig.Cluster(
            "pgrouter-1-abc",
            "127.0.0.1:2379",
            Path.of("/usr/lib/postgresql/15/bin"),
            "postgres",
            "su-secret",
            "repl-secret");
    private static final PatroniConfig.Member MEMBER = new PatroniConfig.Member(
            "member-2", 5433, 8009, Path.of("/run/member-2/data"), Path.of("/run/member-2/pgpass"));

    @Test
    void theTimingsKeepPatronisRuleLoopWaitPlusTwiceRetryTimeoutWithinTtl() {
        assertThat(PatroniConfig.LOOP_WAIT_SECONDS + 2 * PatroniConfig.RETRY_TIMEOUT_SECONDS)
                .isLessThanOrEqualTo(PatroniConfig.TTL_SECONDS);
    }

    @Test
    void aMemberListensOnItsOwnPortsAndFindsEtcdAndThePostgresPrograms() {
        JsonNode config = JsonMapper.shared().readTree(PatroniConfig.render(CLUSTER, MEMBER));

        assertThat(config.path("scope").asString()).isEqualTo("pgrouter-1-abc");
        assertThat(config.path("name").asString()).isEqualTo("member-2");
        assertThat(config.at("/restapi/listen").asString()).isEqualTo("127.0.0.1:8009");
        assertThat(config.at("/restapi/connect_address").asString()).isEqualTo("127.0.0.1:8009");
        assertThat(config.at("/postgresql/listen").asString()).isEqualTo("127.0.0.1:5433");
        assertThat(config.at("/postgresql/data_dir").asString()).isEqualTo("/run/member-2/data");
        assertThat(config.at("/postgresql/bin_dir").asString()).isEqualTo("/usr/lib/postgresql/15/bin");
        assertThat(config.at("/etcd3/hosts").asString()).isEqualTo("127.0.0.1:2379");
        assertThat(config.at("/bootstrap/dcs/ttl").asInt()).isEqualTo(PatroniConfig.TTL_SECONDS);
        assertThat(config.at("/bootstrap/dcs/loop_wait").asInt()).isEqualTo(PatroniConfig.LOOP_WAIT_SECONDS);
        assertThat(config.at("/bootstrap/dcs/retry_timeout").asInt()).isEqualTo(PatroniConfig.RETRY_TIMEOUT_SECONDS);
        assertThat(config.at("/watchdog/mode").asString()).isEqualTo("off");
    }

    @Test
    void pgRewindGetsTheSettingsItNeeds() {
        JsonNode parameters = JsonMapper.shared()
                .readTree(PatroniConfig.render(CLUSTER, MEMBER))
                .at("/bootstrap/dcs/postgresql/parameters");

        assertThat(parameters.path("full_page_writes").asString()).isEqualTo("on");
        assertThat(parameters.path("wal_log_hints").asString()).isEqualTo("on");
        assertThat(parameters.path("wal_level").asString()).isEqualTo("replica");
    }

    @Test
    void passwordsStayOutOfTheClustersDescription() {
        assertThat(CLUSTER.toString())
                .doesNotContain("su-secret")
                .doesNotContain("repl-secret")
                .contains("pgrouter-1-abc");
    }
}
