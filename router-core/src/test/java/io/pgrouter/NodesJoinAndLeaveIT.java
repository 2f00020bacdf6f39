package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrouter.micrometer.PgRouterMetrics;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replicas join and leave a running router (as a topology source makes them): a new one is probed before it takes
 * reads, one that leaves takes no new connection, finishes the work in flight there, then its pool closes; status,
 * listeners and meters follow; reads never fail meanwhile.
 */
@PostgresReplicaSet(replicas = 2)
class NodesJoinAndLeaveIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    static ReplicaSet cluster;

    @Test
    void aReplicaJoinsThenAnotherLeavesWithoutAFailedRead() throws Exception {
        PostgresNode first = cluster.replica(0);
        PostgresNode joining = cluster.replica(1);
        RecordingListener listener = new RecordingListener();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RoutingDataSource router = RoutingDataSource.builder()
                .primary(cluster.primary().jdbcUrl(), cluster.user(), cluster.password())
                .replica(first.name(), first.jdbcUrl(), cluster.user(), cluster.password())
                .probeInterval(Duration.ofMillis(200))
                .drainTimeout(Duration.ofSeconds(60))
                .listener(listener)
                .build()) {
            new PgRouterMetrics(router).bindTo(registry);
            // A read held open on the replica that will leave: it must finish there, after the removal.
            Connection held = router.getConnection();
            held.setReadOnly(true);
            held.setAutoCommit(false);
            assertThat(Where.of(held).node(cluster)).isEqualTo(first.name());

            try (ReadLoad load = new ReadLoad(router, cluster, 3)) {
                long added = System.nanoTime();
                router.addReplica(joining.name(), joining.jdbcUrl());

                await().atMost(DEADLINE).until(() -> load.perNode().getOrDefault(joining.name(), 0L) > 0);
                assertThat(listener.heard(
                                TopologyChangeEvent.class, e -> e.node().equals(joining.name()) && e.added()))
                        .isTrue();
                // It took reads only after a probe found it healthy: it joined rotation through a state change.
                assertThat(listener.heard(
                                NodeStateChangeEvent.class, e -> e.node().equals(joining.name()) && e.inRotation()))
                        .isTrue();
                assertThat(router.status().node(joining.name()).health()).isEqualTo(HealthState.HEALTHY);
                assertThat(registry.find(PgRouterMetrics.NODE_STATE)
                                .tag("node", joining.name())
                                .gauge())
                        .isNotNull();
                System.out.printf(
                        "replica %s added: first read there %d ms after addReplica%n",
                        joining.name(),
                        TimeUnit.NANOSECONDS.toMillis(load.reads().stream()
                                        .filter(r -> joining.name().equals(r.node()))
                                        .mapToLong(ReadLoad.Read::startedNanos)
                                        .min()
                                        .orElseThrow()
                                - added));

                CompletableFuture<Void> closed = router.removeReplica(first.name());
                long removed = System.nanoTime();
                assertThat(router.status().nodes()).extracting(NodeStatus::name).doesNotContain(first.name());
                assertThat(registry.find(PgRouterMetrics.NODE_STATE)
                                .tag("node", first.name())
                                .gauge())
                        .isNull();
                // The held read still works on the node that left; its pool waits for it.
                try (Statement s = held.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) from pg_class")) {
                    assertThat(rs.next()).isTrue();
                }
                assertThat(Where.of(held).node(cluster)).isEqualTo(first.name());
                assertThat(closed).isNotDone();
                held.commit();
                held.close();
                closed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

                await().atMost(DEADLINE).until(() -> load.startedAfter(removed).size() > 200);
                assertThat(load.startedAfter(removed))
                        .as("reads that started after the removal")
                        .noneMatch(r -> first.name().equals(r.node()));
                load.close();
                assertThat(load.failures()).as("failed reads").isEmpty();
                System.out.printf(
                        "replica %s removed under load: %d reads in all, 0 failed, per node %s%n",
                        first.name(), load.reads().size(), load.perNode());
            }
            assertThat(listener.heard(TopologyChangeEvent.class, e -> e.node().equals(first.name()) && !e.added()))
                    .isTrue();
        }
    }

    @Test
    void thePrimaryCannotBeRemovedNorANameAddedTwice() {
        try (RoutingDataSource router = TestRouters.routerFor(cluster).build()) {
            assertThatThrownBy(() -> router.removeReplica("primary"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'primary' is the primary");
            PostgresNode replica = cluster.replica(0);
            assertThatThrownBy(() -> router.addReplica(replica.name(), replica.jdbcUrl()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + replica.name() + "' is in the router already");
            assertThatThrownBy(() -> router.addReplica("bad name!", replica.jdbcUrl()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad name!");
            assertThatThrownBy(() -> router.removeReplica("nope")).isInstanceOf(UnknownNodeException.class);
            assertThat(router.status().nodes()).hasSize(3);
        }
    }
}
