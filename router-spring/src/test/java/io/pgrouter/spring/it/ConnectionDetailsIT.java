package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The primary supplied the Spring Boot way, by a {@link JdbcConnectionDetails} bean (what {@code @ServiceConnection}
 * and Docker Compose support register), with neither {@code pgrouter.primary.url} nor {@code spring.datasource.*};
 * the replica is given by host, port and database. The session's own server says where each call ran.
 */
@PostgresReplicaSet(replicas = 1)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=none",
            "spring.jpa.open-in-view=false",
            "pgrouter.probe.interval=200ms"
        })
@Import(ConnectionDetailsIT.ConnectionDetails.class)
@DirtiesContext
class ConnectionDetailsIT {

    static ReplicaSet cluster;

    @Autowired
    WhereService service;

    @Autowired
    RoutingDataSource router;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void replicaByHostPortAndDatabase(DynamicPropertyRegistry registry) {
        registry.add("pgrouter.replicas[0].host", () -> replica().host());
        registry.add("pgrouter.replicas[0].port", () -> replica().port());
        registry.add("pgrouter.replicas[0].database", () -> cluster.database());
    }

    @BeforeEach
    void replicaInRotation() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @Test
    void neitherPgrouterPrimaryUrlNorSpringDatasourceIsSet() {
        assertThat(environment.containsProperty("pgrouter.primary.url")).isFalse();
        assertThat(environment.containsProperty("pgrouter.primary.host")).isFalse();
        assertThat(environment.containsProperty("spring.datasource.url")).isFalse();
    }

    @Test
    void writesGoToTheConnectionDetailsPrimary() {
        Where where = service.readWriteTransaction();
        assertThat(where.inRecovery()).as("on a standby").isFalse();
        assertThat(where.node(cluster)).isEqualTo(cluster.primary().name());
        assertThat(service.plain().node(cluster)).isEqualTo(cluster.primary().name());
    }

    @Test
    void readsGoToTheReplicaGivenByHostAndPortAndSeeTheWrites() {
        jdbc.execute("create table if not exists details_note(id int primary key, text text)");
        jdbc.update("insert into details_note values (1, 'via connection details') on conflict do nothing");
        cluster.awaitReplicated(Duration.ofSeconds(30));

        TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
        readOnly.setReadOnly(true);
        readOnly.executeWithoutResult(status -> {
            Where where = jdbc.queryForObject(Where.QUERY, (rs, i) -> Where.from(rs));
            assertThat(where.inRecovery()).as("on a standby").isTrue();
            assertThat(where.node(cluster)).isEqualTo(replica().name());
            assertThat(jdbc.queryForObject("select text from details_note where id = 1", String.class))
                    .isEqualTo("via connection details");
        });
    }

    private static PostgresNode replica() {
        return cluster.replica(0);
    }

    /** As {@code @ServiceConnection} would register it; read lazily, once JUnit has injected the cluster. */
    @TestConfiguration(proxyBeanMethods = false)
    static class ConnectionDetails {

        @Bean
        JdbcConnectionDetails clusterConnectionDetails() {
            return new JdbcConnectionDetails() {
                @Override
                public String getJdbcUrl() {
                    return cluster.primary().jdbcUrl();
                }

                @Override
                public String getUsername() {
                    return cluster.user();
                }

                @Override
                public String getPassword() {
                    return cluster.password();
                }
            };
        }
    }
}
