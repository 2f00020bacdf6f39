package io.pgrouter.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatroniClusterJsonTest {

    private static List<TopologyMember> read(String json) throws IOException {
        return PatroniClusterJson.members(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsMembersRolesTagsTimelineAndLagAsPatroniListsThem() throws IOException {
        // As Patroni 3 answers GET /cluster (api_url and unknown fields skipped).
        List<TopologyMember> members = read("""
                {"members": [
                  {"name": "pg1", "role": "leader", "state": "running", "api_url": "http://10.0.0.1:8008/patroni",
                   "host": "10.0.0.1", "port": 5432, "timeline": 3},
                  {"name": "pg2", "role": "replica", "state": "streaming", "host": "10.0.0.2", "port": 5433,
                   "timeline": 3, "lag": 120, "tags": {"nofailover": true, "clonefrom": true}},
                  {"name": "pg3", "role": "sync_standby", "state": "running", "host": "fd00::3", "port": 5432,
                   "timeline": 3, "lag": "unknown", "tags": {"noloadbalance": "true"}}
                 ],
                 "scope": "demo", "pause": false}
                """);

        assertThat(members)
                .containsExactly(
                        new TopologyMember("pg1", "10.0.0.1", 5432, true, false, false, "running", 3, -1),
                        new TopologyMember("pg2", "10.0.0.2", 5433, false, false, true, "streaming", 3, 120),
                        new TopologyMember("pg3", "fd00::3", 5432, false, true, false, "running", 3, -1));
        assertThat(members.get(2).address()).isEqualTo("[fd00::3]:5432");
    }

    @Test
    void refusesAnswersThatAreNotAClusterListing() {
        assertThatThrownBy(() -> read("[]")).isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read("{\"scope\": \"x\"}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no members array");
        assertThatThrownBy(() -> read("{\"members\": [{\"name\": \"pg1\", \"port\": 5432}]}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lacks its name, host or port");
        assertThatThrownBy(() -> read("{\"members\": [")).isInstanceOf(IOException.class);
    }

    @Test
    void theSourceNeverShowsItsPasswordAndRefusesCredentialsInTheUrl() {
        PatroniTopologySource source = PatroniTopologySource.builder()
                .endpoints(java.net.URI.create("http://10.0.0.1:8008"))
                .credentials("patroni", "s3cret-rest")
                .build();
        assertThat(source.toString()).doesNotContain("s3cret-rest").contains("with credentials");
        assertThat(source.describe()).doesNotContain("s3cret-rest");
        assertThatThrownBy(() ->
                        PatroniTopologySource.builder().endpoints(java.net.URI.create("http://u:s3cret@10.0.0.1:8008")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not hold credentials")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PatroniTopologySource.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.topology.patroni.urls");
    }

    @Test
    void anUnreachableEndpointIsAnIOExceptionNamingEachEndpoint() {
        PatroniTopologySource source = PatroniTopologySource.builder()
                .endpoints(java.net.URI.create("http://127.0.0.1:1"), java.net.URI.create("http://127.0.0.1:2"))
                .timeout(java.time.Duration.ofMillis(500))
                .build();
        assertThatThrownBy(source::members)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("127.0.0.1:2");
    }
}
