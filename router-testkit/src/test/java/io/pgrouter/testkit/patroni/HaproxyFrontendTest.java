package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyFrontendTest {

    private static final List<PatroniMember> MEMBERS = List.of(
            new PatroniMember(
                    "member-1", "127.0.0.1", 5432, URI.create("http://127.0.0.1:8008/"), "leader", "running", 1, null),
            new PatroniMember(
                    "member-2", "127.0.0.1", 5433, URI.create("http://127.0.0.1:8009/"), "replica", "running", 1, 0L));

    @Test
    void thePrimaryPortChecksPrimaryAndTheReplicaPortChecksReplicaOnEachMembersRestApi() {
        String config =
                HaproxyFrontend.configuration(MEMBERS, 5000, 5001, 7000, HaproxyFrontend.RECOMMENDED_CHECK_INTERVAL);

        assertThat(config).contains("""
                listen primary
                    bind 127.0.0.1:5000
                    balance roundrobin
                    option httpchk OPTIONS /primary
                    http-check expect status 200
                    default-server inter 3000ms fall 3 rise 2 on-marked-down shutdown-sessions
                    server member-1 127.0.0.1:5432 maxconn 100 check port 8008
                    server member-2 127.0.0.1:5433 maxconn 100 check port 8009
                """);
        assertThat(config)
                .contains("listen replicas\n    bind 127.0.0.1:5001\n")
                .contains("option httpchk OPTIONS /replica");
        assertThat(config).contains("bind 127.0.0.1:7000\n    stats enable");
    }

    @Test
    void theCheckIntervalCanBeChanged() {
        assertThat(HaproxyFrontend.configuration(MEMBERS, 5000, 5001, 7000, Duration.ofMillis(500)))
                .contains("default-server inter 500ms fall 3 rise 2 on-marked-down shutdown-sessions");
    }
}
