package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.actuate.PgRouterHealthIndicator;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** The health contributor as nodes stop and start, on a cluster of this class's own. */
@PostgresReplicaSet(replicas = 1, isolated = true)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=none",
            "spring.jpa.open-in-view=false",
            "pgrouter.probe.interval=200ms",
            "management.endpoint.health.show-details=always"
        })
@AutoConfigureMockMvc
@DirtiesContext
class HealthIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    static ReplicaSet cluster;

    @Autowired
    MockMvcTester mvc;

    @Autowired
    RoutingDataSource router;

    @Autowired
    PgRouterHealthIndicator health;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ClusterProperties.viaPgrouter(registry, () -> cluster);
    }

    @BeforeEach
    void allUp() {
        Awaitility.await()
                .atMost(DEADLINE)
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @AfterEach
    void restart() {
        for (PostgresNode node : cluster.nodes()) {
            node.start();
        }
    }

    @Test
    void aStoppedReplicaLeavesHealthUpWithTheReplicaDown() {
        assertThat(mvc.get().uri("/actuator/health/pgrouter"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.status", v -> v.assertThat().isEqualTo("UP"))
                .hasPathSatisfying(
                        "$.details.replicas.replica-1.health",
                        v -> v.assertThat().isEqualTo("healthy"));

        cluster.replica(0).stop();
        Awaitility.await()
                .atMost(DEADLINE)
                .until(() -> !router.status().node("replica-1").eligible());
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(mvc.get().uri("/actuator/health/pgrouter"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.status", v -> v.assertThat().isEqualTo("UP"))
                .hasPathSatisfying(
                        "$.details.replicas.replica-1.eligible",
                        v -> v.assertThat().isEqualTo(false))
                .hasPathSatisfying(
                        "$.details.eligibleReplicas", v -> v.assertThat().isEqualTo(0));

        cluster.replica(0).start();
        Awaitility.await()
                .atMost(DEADLINE)
                .until(() -> router.status().node("replica-1").eligible());
        assertThat(replicaDetails().get("health")).isEqualTo("healthy");
    }

    @Test
    void anUnreachablePrimaryIsDown() {
        cluster.primary().stop();
        Awaitility.await()
                .atMost(DEADLINE)
                .until(() -> health.health().getStatus().equals(Status.DOWN));
        assertThat(mvc.get().uri("/actuator/health/pgrouter"))
                .hasStatus(503)
                .bodyJson()
                .hasPathSatisfying("$.status", v -> v.assertThat().isEqualTo("DOWN"))
                .hasPathSatisfying(
                        "$.details.primary.health", v -> v.assertThat().isEqualTo("unreachable"));

        cluster.primary().start();
        Awaitility.await()
                .atMost(DEADLINE)
                .until(() -> health.health().getStatus().equals(Status.UP));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> replicaDetails() {
        return ((Map<String, Map<String, Object>>) health.health().getDetails().get("replicas")).get("replica-1");
    }
}
