package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeStatus;
import io.pgrouter.RouteReason;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each routing path of a Spring Boot application (JPA with Hibernate, Spring Data, JdbcTemplate, JdbcClient), against a
 * real primary and replica: the session's own server says whether it is a standby. The primary comes from
 * {@code spring.datasource.*}, as most applications already have it.
 */
@PostgresReplicaSet(replicas = 1)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=update",
            "spring.jpa.open-in-view=false",
            "pgrouter.probe.interval=200ms"
        })
@DirtiesContext
class RoutingIT {

    static ReplicaSet cluster;

    @Autowired
    WhereService service;

    @Autowired
    NoteRepository notes;

    @Autowired
    ReplicaNoteRepository replicaNotes;

    @Autowired
    RoutingDataSource router;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ClusterProperties.viaSpringDatasource(registry, () -> cluster);
    }

    @BeforeEach
    void replicaInRotation() {
        jdbc.execute("create table if not exists note_log(id serial primary key, text text)");
        cluster.awaitReplicated(Duration.ofSeconds(30));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @Test
    void theTransactionManagerIsJpas() {
        // Boot picks JpaTransactionManager when JPA is present; it serves JdbcTemplate in the same transactions.
        assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
    }

    @Test
    void aReadOnlyTransactionOfTheJdbcTransactionManagersGoesToAReplica() {
        for (DataSourceTransactionManager manager :
                List.of(new JdbcTransactionManager(router), new DataSourceTransactionManager(router))) {
            TransactionTemplate readOnly = new TransactionTemplate(manager);
            readOnly.setReadOnly(true);
            assertReplica(readOnly.execute(status -> service.where()));
            TransactionTemplate readWrite = new TransactionTemplate(manager);
            assertPrimary(readWrite.execute(status -> service.where()));
        }
    }

    @Test
    void withoutIntentEverythingGoesToThePrimary() {
        assertPrimary(service.plain());
        assertPrimary(service.readWriteTransaction());
        assertPrimary(service.jpaReadWriteTransaction());
    }

    @Test
    void aReadOnlyTransactionAloneGoesToAReplica() {
        assertReplica(service.readOnlyTransaction());
        assertReplica(service.readOnlyTransactionWithJdbcClient());
    }

    @Test
    void aJpaReadOnlyTransactionGoesToAReplica() {
        assertReplica(service.jpaReadOnlyTransaction());
    }

    @Test
    void springDataReadOnlyQueriesGoToAReplicaAndTheOthersToThePrimary() {
        assertThat(notes.whereReadOnly()).startsWith("true:");
        assertThat(notes.whereReadWrite()).startsWith("false:");
        long before = replicaRoutes();
        notes.findAll();
        notes.count();
        assertThat(replicaRoutes() - before).isEqualTo(2);
        Note saved = notes.save(new Note("written"));
        assertThat(saved.getId()).isNotNull();
    }

    @Test
    void aRepositoryAnnotatedReadOnlyQueriesAReplica() {
        assertThat(replicaNotes.where()).startsWith("true:");
    }

    @Test
    void readOnlyAnnotationsGoToAReplica() {
        assertReplica(service.readOnlyAnnotation());
        assertReplica(service.readOnlyWithinStaleness());
        // Opened outside the transaction interceptor: the transaction starts inside the scope.
        assertReplica(service.readOnlyAnnotationAroundATransaction());
    }

    @Test
    void usePrimaryWinsOverReadOnlyTransactionsAndEnclosingReadOnlyCalls() {
        assertPrimary(service.usePrimaryInAReadOnlyTransaction());
        assertPrimary(service.usePrimaryInsideReadOnly());
    }

    @Test
    void aReadOnlyCallInsideAReadWriteTransactionStaysOnThePrimary() {
        Where[] where = service.readOnlyInsideAReadWriteTransaction();
        assertPrimary(where[0]);
        assertPrimary(where[1]);
    }

    @Test
    void aRequiresNewTransactionDecidesOnItsOwn() {
        Where[] where = service.requiresNewWriteInsideAReadOnlyTransaction();
        assertReplica(where[0]);
        assertPrimary(where[1]);
        assertReplica(where[2]);
    }

    @Test
    void replicasSwitchedOffAtRunTimeSendReadsToThePrimary() {
        router.setReplicasEnabled(false);
        try {
            assertPrimary(service.readOnlyTransaction());
            assertPrimary(service.readOnlyAnnotation());
        } finally {
            router.setReplicasEnabled(true);
        }
        assertReplica(service.readOnlyTransaction());
    }

    private long replicaRoutes() {
        return router.status().node(cluster.replica(0).name()).routes(RouteReason.REPLICA);
    }

    private static void assertReplica(Where where) {
        assertThat(where.inRecovery()).as("on a standby").isTrue();
        assertThat(where.node(cluster)).isEqualTo(cluster.replica(0).name());
    }

    private static void assertPrimary(Where where) {
        assertThat(where.inRecovery()).as("on a standby").isFalse();
        assertThat(where.node(cluster)).isEqualTo(cluster.primary().name());
    }
}
