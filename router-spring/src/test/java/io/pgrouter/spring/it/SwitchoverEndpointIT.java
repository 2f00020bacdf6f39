package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * {@code POST /actuator/pgrouter/switchover} over HTTP on a real primary and replica: bad requests answer 400 naming
 * the value and change nothing on the servers, a request without {@code dryRun} is a dry run, and one with
 * {@code "dryRun": false} moves the primary and returns the report. The tests run in order: the real switchover last.
 */
@PostgresReplicaSet(replicas = 1, isolated = true)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=update",
            "spring.jpa.open-in-view=false",
            "pgrouter.probe.interval=200ms",
            "management.endpoints.web.exposure.include=pgrouter",
            "management.endpoint.pgrouter.access=unrestricted"
        })
@AutoConfigureMockMvc
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverEndpointIT {

    private static final Duration GENEROUS = Duration.ofSeconds(60);

    static ReplicaSet cluster;

    @Autowired
    MockMvcTester mvc;

    @Autowired
    RoutingDataSource router;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ClusterProperties.viaPgrouter(registry, () -> cluster);
        registry.add("pgrouter.replicas[0].name", () -> "east");
    }

    @BeforeEach
    void replicaInRotation() {
        Awaitility.await()
                .atMost(GENEROUS)
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @Test
    @Order(1)
    void badRequestsAnswer400NamingTheValueAndChangeNothing() throws SQLException {
        Map<String, String> before = serverState();

        assertBadRequest(post("/actuator/pgrouter/switchover", "{\"to\": \"west\", \"dryRun\": false}"), "west");
        assertBadRequest(post("/actuator/pgrouter/switchover", "{\"dryRun\": false}"), "'to'");
        assertBadRequest(
                post("/actuator/pgrouter/switchover", "{\"to\": \"east\", \"dryRun\": \"maybe\"}"),
                "dryRun must be true or false, was 'maybe'");
        assertBadRequest(
                post("/actuator/pgrouter/switchover", "{\"to\": \"east\", \"dryRun\": false, \"maxPause\": \"soon\"}"),
                "maxPause must be a duration such as 5s, 500ms or PT5S, was 'soon'");
        assertBadRequest(
                post(
                        "/actuator/pgrouter/switchover",
                        "{\"to\": \"east\", \"dryRun\": false, \"maxPause\": \"1s\", \"drainTimeout\": \"2s\"}"),
                "drain-timeout (2000 ms)");
        assertBadRequest(post("/actuator/pgrouter/promote", "{\"to\": \"east\", \"dryRun\": false}"), "'promote'");
        // Not JSON at all: the request never reaches the operation.
        assertThat(post("/actuator/pgrouter/switchover", "{\"to\": \"east\", \"dryRun\": fals"))
                .hasStatus(400);

        assertThat(serverState()).isEqualTo(before);
        assertThat(router.status().node("primary").role()).isEqualTo(io.pgrouter.NodeRole.PRIMARY);
    }

    @Test
    @Order(2)
    void withoutDryRunFalseItIsADryRunThatReportsAndChangesNothing() throws SQLException {
        Map<String, String> before = serverState();

        assertThat(post("/actuator/pgrouter/switchover", "{\"to\": \"east\"}"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.result", v -> v.assertThat().isEqualTo("dry_run_passed"))
                .hasPathSatisfying("$.dryRun", v -> v.assertThat().isEqualTo(true))
                .hasPathSatisfying("$.from", v -> v.assertThat().isEqualTo("primary"))
                .hasPathSatisfying("$.to", v -> v.assertThat().isEqualTo("east"))
                .hasPathSatisfying("$.checks[0].passed", v -> v.assertThat().isEqualTo(true))
                .hasPathSatisfying(
                        "$.estimatesMillis.pause-before-promotion",
                        v -> v.assertThat().isNotNull());

        assertThat(serverState()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void dryRunFalseMovesThePrimaryAndReturnsTheReport() throws SQLException {
        assertThat(post("/actuator/pgrouter/switchover", "{\"to\": \"east\", \"dryRun\": false, \"maxPause\": \"8s\"}"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.result", v -> v.assertThat().isEqualTo("completed"))
                .hasPathSatisfying("$.dryRun", v -> v.assertThat().isEqualTo(false))
                .hasPathSatisfying("$.steps[9].step", v -> v.assertThat().isEqualTo("open_gate"))
                .hasPathSatisfying("$.writePause.failed", v -> v.assertThat().isEqualTo(0))
                .hasPathSatisfying("$.finalLsn", v -> v.assertThat().isNotNull());

        PostgresNode promoted = cluster.replica(0);
        assertThat(inRecovery(promoted)).isFalse();
        assertThat(router.status().node("east").role()).isEqualTo(io.pgrouter.NodeRole.PRIMARY);
        try (Connection c = router.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the port a write runs on").isEqualTo(promoted.port());
        }
    }

    private void assertBadRequest(MockMvcTester.MockMvcRequestBuilder request, String named) {
        MvcTestResult result = mvc.perform(request);
        assertThat(result).hasStatus(400);
        assertThat(result.getResponse().getErrorMessage()).contains(named);
    }

    private MockMvcTester.MockMvcRequestBuilder post(String uri, String json) {
        return mvc.post().uri(uri).contentType(MediaType.APPLICATION_JSON).content(json);
    }

    private static boolean inRecovery(PostgresNode node) throws SQLException {
        return serverState(node).startsWith("t|");
    }

    /** What a switchover could change on each server: its role, the fence and the announcement. */
    private static Map<String, String> serverState() throws SQLException {
        Map<String, String> state = new LinkedHashMap<>();
        for (PostgresNode node : cluster.nodes()) {
            state.put(node.name(), serverState(node));
        }
        return state;
    }

    private static String serverState(PostgresNode node) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only'),"
                                + " coalesce(current_setting('pgrouter.switchover', true), '')")) {
            rs.next();
            return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3);
        }
    }
}
