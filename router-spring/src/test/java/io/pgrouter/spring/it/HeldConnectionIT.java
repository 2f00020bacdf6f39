package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.hibernate.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Hibernate holding one JDBC connection for a whole request ({@code DELAYED_ACQUISITION_AND_HOLD} with open-in-view):
 * Spring's transaction manager sets the connection read-only for a read-only repository call and back for a save,
 * and the router moves the held connection between those transactions: the read on the replica, the save on the
 * primary, no error.
 */
@PostgresReplicaSet(replicas = 1)
@SpringBootTest(
        classes = ItApplication.class,
        properties = {
            "spring.jpa.hibernate.ddl-auto=update",
            "spring.jpa.open-in-view=true",
            "spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_HOLD",
            "pgrouter.probe.interval=200ms"
        })
@DirtiesContext
class HeldConnectionIT {

    static ReplicaSet cluster;

    @Autowired
    NoteRepository notes;

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Autowired
    RoutingDataSource router;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ClusterProperties.viaSpringDatasource(registry, () -> cluster);
    }

    @BeforeEach
    void replicaInRotation() {
        cluster.awaitReplicated(Duration.ofSeconds(30));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @Test
    void aReadOnlyRepositoryCallThenASaveInOneRequestGoReplicaThenPrimary() {
        inOneRequest(entityManager -> {
            assertThat(notes.whereReadOnly()).as("read-only repository call").startsWith("true:");
            Connection held = heldConnection(entityManager);

            Note saved = notes.save(new Note("saved on the held connection"));
            assertThat(saved.getId()).isNotNull();
            assertThat(notes.whereReadWrite()).as("read-write repository call").startsWith("false:");
            assertThat(notes.whereReadOnly()).as("read-only again").startsWith("true:");

            assertThat(heldConnection(entityManager))
                    .as("one JDBC connection for the whole request")
                    .isSameAs(held);
        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(router.status().nodes())
                        .allSatisfy(n -> assertThat(n.inFlight())
                                .as("in flight on %s", n.name())
                                .isZero()));
    }

    private static Connection heldConnection(EntityManager entityManager) {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> connection);
    }

    /** What open-in-view does around a web request: one entity manager bound to the thread. */
    private void inOneRequest(java.util.function.Consumer<EntityManager> work) {
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        TransactionSynchronizationManager.bindResource(entityManagerFactory, new EntityManagerHolder(entityManager));
        try {
            work.accept(entityManager);
        } finally {
            TransactionSynchronizationManager.unbindResource(entityManagerFactory);
            entityManager.close();
        }
    }
}
