package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.UpgradePair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * The cutover over HTTP, with the target configured by {@code pgrouter.cutover.target.*} keys: a real PostgreSQL 15
 * source replicating to a PostgreSQL 18 target. {@code GET /actuator/pgrouter/cutover} shows the scheduled readiness;
 * {@code POST /actuator/pgrouter/cutover} answers 400 naming a bad value and changes nothing, is a dry run without
 * {@code "dryRun": false}, and with it moves the writes to the target. The tests run in order: the real cutover last.
 */
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=none",
            "spring.jpa.open-in-view=false",
            "pgrouter.primary.name=pg15",
            "pgrouter.probe.interval=200ms",
            "pgrouter.cutover.target.primary.name=pg18",
            "pgrouter.cutover.readiness.check-interval=250ms",
            "pgrouter.cutover.readiness.stable-for=1s",
            "management.endpoints.web.exposure.include=pgrouter",
            "management.endpoint.pgrouter.access=unrestricted"
        })
@AutoConfigureMockMvc
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CutoverEndpointIT {

    private static final Duration GENEROUS = Duration.ofSeconds(90);

    private static UpgradePair clusters;
    private static LogicalReplication replication;

    @Autowired
    MockMvcTester mvc;

    @Autowired
    RoutingDataSource router;

    @BeforeAll
    static void replicate() {
        clusters = UpgradePair.start("15", "18", "shop");
        replication = clusters.replicate(r ->
                r.name("shop_upgrade").schema("CREATE TABLE endpoint_orders(id serial PRIMARY KEY, customer text)"));
    }

    @AfterAll
    static void stop() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @DynamicPropertySource
    static void clusters(DynamicPropertyRegistry registry) {
        registry.add("pgrouter.primary.url", () -> source().primary().jdbcUrl());
        registry.add("pgrouter.primary.username", () -> source().user());
        registry.add("pgrouter.primary.password", () -> source().password());
        registry.add(
                "pgrouter.cutover.target.primary.url", () -> target().primary().jdbcUrl());
        registry.add("pgrouter.cutover.target.primary.username", () -> target().user());
        registry.add("pgrouter.cutover.target.primary.password", () -> target().password());
    }

    @Test
    @Order(1)
    void theReadinessIsReadWithoutAnyCheckOfItsOwnAndTurnsGreen() {
        Awaitility.await("GREEN on the endpoint")
                .atMost(GENEROUS)
                .untilAsserted(() -> assertThat(mvc.get().uri("/actuator/pgrouter/cutover"))
                        .hasStatusOk()
                        .bodyJson()
                        .extractingPath("$.readiness.light")
                        .isEqualTo("green"));
        assertThat(mvc.get().uri("/actuator/pgrouter/cutover"))
                .bodyJson()
                .extractingPath("$.readiness.tables[0].state")
                .isEqualTo("ready");
        assertThat(mvc.get().uri("/actuator/pgrouter"))
                .bodyJson()
                .extractingPath("$.cutover.target")
                .isEqualTo("pg18");
        assertThat(mvc.get().uri("/actuator/pgrouter/cutover").exchange().getResponse())
                .satisfies(r -> assertThat(r.getContentAsString()).doesNotContain(target().password()));
    }

    @Test
    @Order(2)
    void badRequestsAnswer400NamingTheValueAndChangeNothing() throws SQLException {
        String before = sourceState();

        assertBadRequest(post("{\"dryRun\": \"maybe\"}"), "dryRun must be true or false, was 'maybe'");
        assertBadRequest(post("{\"dryRun\": false, \"maxPause\": \"soon\"}"), "maxPause must be a duration");
        assertBadRequest(post("{\"dryRun\": false, \"maxPause\": \"50ms\"}"), "maxPause must be at least 100 ms");
        assertBadRequest(post("{\"dryRun\": false, \"sequenceMargin\": \"lots\"}"), "sequenceMargin must be a whole");
        assertBadRequest(post("{\"dryRun\": false, \"sequenceMargin\": \"-1\"}"), "sequenceMargin must be at least 0");
        assertBadRequest(post("{\"dryRun\": false, \"to\": \"pg18\"}"), "not options of cutover: [to]");
        assertBadRequest(
                mvc.post()
                        .uri("/actuator/pgrouter/switchover")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"to\": \"pg18\", \"retireTimeout\": \"1s\"}"),
                "not options of switchover: [retireTimeout]");

        assertThat(sourceState()).isEqualTo(before);
        assertThat(router.status().primary().name()).isEqualTo("pg15");
    }

    @Test
    @Order(3)
    void withoutDryRunFalseItIsADryRunThatChangesNothing() throws SQLException {
        String before = sourceState();

        assertThat(post("{}"))
                .hasStatusOk()
                .bodyJson()
                .extractingPath("$.result")
                .isEqualTo("dry_run_passed");

        assertThat(sourceState()).isEqualTo(before);
        assertThat(router.status().primary().name()).isEqualTo("pg15");
        assertThat(mvc.get().uri("/actuator/pgrouter/cutover"))
                .bodyJson()
                .extractingPath("$.lastCutover.dryRun")
                .isEqualTo(true);
    }

    @Test
    @Order(4)
    void dryRunFalseMovesTheWritesToTheTarget() throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO endpoint_orders(customer) VALUES ('before')");
        }

        assertThat(post("{\"dryRun\": false, \"maxPause\": \"5s\"}"))
                .hasStatusOk()
                .bodyJson()
                .extractingPath("$.result")
                .isEqualTo("completed");

        assertThat(router.status().primary().name()).isEqualTo("pg18");
        try (Connection c = router.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "INSERT INTO endpoint_orders(customer) VALUES ('after') RETURNING inet_server_port()")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("the port a write runs on")
                    .isEqualTo(target().primary().port());
        }
        assertThat(mvc.get().uri("/actuator/pgrouter/cutover"))
                .bodyJson()
                .extractingPath("$.pending")
                .isEqualTo(false);
        // Done: another cutover to the same target is refused, naming why.
        assertBadRequest(post("{\"dryRun\": false}"), "pg18");
    }

    private void assertBadRequest(MockMvcTester.MockMvcRequestBuilder request, String named) {
        MvcTestResult result = mvc.perform(request);
        assertThat(result).hasStatus(400);
        assertThat(result.getResponse().getErrorMessage()).contains(named);
    }

    private MockMvcTester.MockMvcRequestBuilder post(String json) {
        return mvc.post()
                .uri("/actuator/pgrouter/cutover")
                .contentType(MediaType.APPLICATION_JSON)
                .content(json);
    }

    private static ReplicaSet source() {
        return clusters.source();
    }

    private static ReplicaSet target() {
        return clusters.target();
    }

    /** What a cutover could change on the source: the fence, the announcement, the rows. */
    private static String sourceState() throws SQLException {
        try (Connection c = source().primary().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('default_transaction_read_only'),"
                        + " (SELECT count(*) FROM endpoint_orders)")) {
            rs.next();
            return rs.getString(1) + "|" + rs.getLong(2);
        }
    }
}
