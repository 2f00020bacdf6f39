package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * The {@code pgrouter} actuator endpoint and health contributor over HTTP, with write access granted: the JSON, and the
 * runtime switches changing where reads go.
 */
@PostgresReplicaSet(replicas = 1)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=update",
            "spring.jpa.open-in-view=false",
            "pgrouter.probe.interval=200ms",
            "management.endpoints.web.exposure.include=health,pgrouter",
            "management.endpoint.pgrouter.access=unrestricted",
            "management.endpoint.health.show-details=always"
        })
@AutoConfigureMockMvc
@DirtiesContext
class EndpointIT {

    static ReplicaSet cluster;

    @Autowired
    MockMvcTester mvc;

    @Autowired
    RoutingDataSource router;

    @Autowired
    WhereService service;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ClusterProperties.viaPgrouter(registry, () -> cluster);
        registry.add("pgrouter.replicas[0].name", () -> "east");
    }

    @BeforeEach
    void replicaInRotation() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @AfterEach
    void resetSwitches() {
        router.setReplicasEnabled(true);
        router.setForcePrimary(false);
        router.undrain("east");
    }

    @Test
    void readShowsTheRoutersStatus() {
        assertThat(mvc.get().uri("/actuator/pgrouter"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.replicasEnabled", v -> v.assertThat().isEqualTo(true))
                .hasPathSatisfying("$.forcePrimary", v -> v.assertThat().isEqualTo(false))
                .hasPathSatisfying("$.selection", v -> v.assertThat().isEqualTo("least-in-flight"))
                .hasPathSatisfying(
                        "$.lagThresholds.maxDelayMillis", v -> v.assertThat().isEqualTo(5000))
                .hasPathSatisfying("$.nodes[0].name", v -> v.assertThat().isEqualTo("primary"))
                .hasPathSatisfying("$.nodes[0].role", v -> v.assertThat().isEqualTo("primary"))
                .hasPathSatisfying("$.nodes[1].name", v -> v.assertThat().isEqualTo("east"))
                .hasPathSatisfying("$.nodes[1].eligible", v -> v.assertThat().isEqualTo(true))
                .hasPathSatisfying("$.nodes[1].health", v -> v.assertThat().isEqualTo("healthy"));
    }

    @Test
    void readShowsOneNodeOrNotFound() {
        assertThat(mvc.get().uri("/actuator/pgrouter/east"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.role", v -> v.assertThat().isEqualTo("replica"))
                .hasPathSatisfying("$.poolName", v -> v.assertThat().isEqualTo("pgrouter-east"));
        assertThat(mvc.get().uri("/actuator/pgrouter/west")).hasStatus(404);
    }

    @Test
    void theFeatureFlagTogglesAtRunTime() {
        assertThat(service.readOnlyTransaction().inRecovery()).isTrue();
        assertThat(post("{\"replicasEnabled\": false}"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.replicasEnabled", v -> v.assertThat().isEqualTo(false));
        assertThat(router.isReplicasEnabled()).isFalse();
        assertThat(service.readOnlyTransaction().inRecovery()).isFalse();
        assertThat(service.readOnlyAnnotation().inRecovery()).isFalse();

        assertThat(post("{\"replicasEnabled\": true}")).hasStatusOk();
        assertThat(service.readOnlyTransaction().inRecovery()).isTrue();
    }

    @Test
    void drainUndrainAndForcePrimary() {
        assertThat(post("{\"drain\": \"east\"}"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.nodes[1].state", v -> v.assertThat().isEqualTo("drained"));
        assertThat(service.readOnlyTransaction().inRecovery()).isFalse();
        assertThat(post("{\"undrain\": \"east\"}")).hasStatusOk();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> router.status().node("east").eligible());
        assertThat(service.readOnlyTransaction().inRecovery()).isTrue();

        assertThat(post("{\"forcePrimary\": true}"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.forcePrimary", v -> v.assertThat().isEqualTo(true));
        assertThat(service.readOnlyAnnotation().inRecovery()).isFalse();
    }

    @Test
    void aBadWriteIsRejectedAndChangesNothing() {
        assertThat(post("{\"replicasEnabled\": false, \"drain\": \"west\"}")).hasStatus(400);
        assertThat(post("{}")).hasStatus(400);
        assertThat(router.isReplicasEnabled()).isTrue();
    }

    /**
     * Bodies that are not what the write operation takes: wrong types, nothing to do, an unknown node, huge values,
     * not JSON at all. Each is refused with a 4xx, and afterwards every switch is as it was.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"replicasEnabled\": \"maybe\"}",
                // Boot's conversion reads 1/0, yes/no and on/off as booleans; 2 is none of them.
                "{\"replicasEnabled\": 2}",
                "{\"replicasEnabled\": [true]}",
                "{\"forcePrimary\": {\"on\": true}}",
                "{\"forcePrimary\": 1e309}",
                "{\"drain\": [\"east\"]}",
                "{\"drain\": {\"name\": \"east\"}}",
                "{\"drain\": 12345678901234567890123456789}",
                "{\"drain\": \"\"}",
                "{\"undrain\": \"west\"}",
                "{\"forcePrimary\": true, \"drain\": \"west\"}",
                "{\"replicasEnabled\": null}",
                "{\"unknown\": true}",
                "{}",
                "[]",
                "\"east\"",
                "not json",
                "{\"drain\": \"east\"",
                "HUGE_NAME"
            })
    void aMalformedWriteIsRefusedAndChangesNothing(String body) {
        String json = body.equals("HUGE_NAME") ? "{\"drain\": \"" + "x".repeat(1_000_000) + "\"}" : body;
        var result = post(json).exchange();
        assertThat(result.getResponse().getStatus())
                .as("status for %s", abbreviate(json))
                .isBetween(400, 499);
        assertThat(result.getResponse().getContentLength())
                .as("answer size for %s", abbreviate(json))
                .isLessThan(10_000);
        assertThat(router.isReplicasEnabled()).isTrue();
        assertThat(router.status().forcePrimary()).isFalse();
        assertThat(router.status().node("east").state()).isEqualTo("active");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "... (" + s.length() + " characters)" : s;
    }

    @Test
    void healthIsUpWithTheReplicasInTheDetails() {
        assertThat(mvc.get().uri("/actuator/health/pgrouter"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.status", v -> v.assertThat().isEqualTo("UP"))
                .hasPathSatisfying(
                        "$.details.primary.health", v -> v.assertThat().isEqualTo("healthy"))
                .hasPathSatisfying(
                        "$.details.replicas.east.eligible", v -> v.assertThat().isEqualTo(true))
                .hasPathSatisfying(
                        "$.details.eligibleReplicas", v -> v.assertThat().isEqualTo(1));
    }

    private MockMvcTester.MockMvcRequestBuilder post(String json) {
        return mvc.post()
                .uri("/actuator/pgrouter")
                .contentType(MediaType.APPLICATION_JSON)
                .content(json);
    }
}
