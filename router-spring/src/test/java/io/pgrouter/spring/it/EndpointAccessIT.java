package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** Exposed but not granted: the endpoint reads, and its write operations (switches, switchover) do not exist. */
@PostgresReplicaSet(replicas = 1)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=update",
            "spring.jpa.open-in-view=false",
            "management.endpoints.web.exposure.include=pgrouter"
        })
@AutoConfigureMockMvc
@DirtiesContext
class EndpointAccessIT {

    static ReplicaSet cluster;

    @Autowired
    MockMvcTester mvc;

    @Autowired
    RoutingDataSource router;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ClusterProperties.viaSpringDatasource(registry, () -> cluster);
    }

    @Test
    void writesAreUnavailableUntilGranted() {
        assertThat(mvc.get().uri("/actuator/pgrouter")).hasStatusOk();
        assertThat(mvc.post()
                        .uri("/actuator/pgrouter")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"replicasEnabled\": false}"))
                .hasStatus4xxClientError();
        assertThat(router.isReplicasEnabled()).isTrue();
        assertThat(mvc.post()
                        .uri("/actuator/pgrouter/switchover")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"to\": \"replica-1\", \"dryRun\": false}"))
                .hasStatus4xxClientError();
        assertThat(router.status().node("replica-1").role()).isEqualTo(io.pgrouter.NodeRole.REPLICA);
    }
}
