package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PatroniMemberTest {

    /** What Debian's Patroni 3.0.2 answered to GET /cluster right after a switchover. */
    private static final String CLUSTER = """
            {"members": [
              {"name": "m1", "role": "replica", "state": "stopping", "api_url": "http://127.0.0.1:18008/patroni",
               "host": "127.0.0.1", "port": 15432, "lag": "unknown"},
              {"name": "m2", "role": "leader", "state": "running", "api_url": "http://127.0.0.1:18009/patroni",
               "host": "127.0.0.1", "port": 15433, "timeline": 2},
              {"name": "m3", "role": "replica", "state": "running", "api_url": "http://127.0.0.1:18010/patroni",
               "host": "127.0.0.1", "port": 15434, "timeline": 2, "lag": 1024}]}
            """;

    @Test
    void readsEachMemberOfTheListing() {
        List<PatroniMember> members = new ArrayList<>();
        JsonMapper.shared().readTree(CLUSTER).path("members").forEach(m -> members.add(PatroniMember.fromJson(m)));

        assertThat(members)
                .containsExactly(
                        new PatroniMember(
                                "m1",
                                "127.0.0.1",
                                15432,
                                URI.create("http://127.0.0.1:18008/"),
                                "replica",
                                "stopping",
                                0,
                                null),
                        new PatroniMember(
                                "m2",
                                "127.0.0.1",
                                15433,
                                URI.create("http://127.0.0.1:18009/"),
                                "leader",
                                "running",
                                2,
                                null),
                        new PatroniMember(
                                "m3",
                                "127.0.0.1",
                                15434,
                                URI.create("http://127.0.0.1:18010/"),
                                "replica",
                                "running",
                                2,
                                1024L));
        assertThat(members)
                .filteredOn(PatroniMember::isLeader)
                .extracting(PatroniMember::name)
                .containsExactly("m2");
        assertThat(members)
                .filteredOn(PatroniMember::isRunning)
                .extracting(PatroniMember::name)
                .containsExactly("m2", "m3");
    }
}
