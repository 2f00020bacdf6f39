package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@PostgresReplicaSet(replicas = 2, isolated = true)
class ReplicaFailureIT {

    static ReplicaSet cluster;

    @Test
    void aKilledReplicaCostsNoFailedReads() throws Exception {
        PostgresNode victim = cluster.replica(0);
        try (RoutingDataSource router = TestRouters.routerFor(cluster).build()) {
            for (int i = 0; i < 100; i++) {
                read(router);
            }
            assertThat(router.status().node(victim.name()).routes(RouteReason.REPLICA))
                    .isPositive();

            victim.kill();
            List<String> failures = new ArrayList<>();
            Map<String, Integer> served = new TreeMap<>();
            long slowest = 0;
            long started = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                long t0 = System.nanoTime();
                try {
                    served.merge(read(router).node(cluster), 1, Integer::sum);
                } catch (SQLException e) {
                    failures.add(e.getSQLState() + " " + e.getMessage());
                }
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            long total = System.nanoTime() - started;
            RouterStatus status = router.status();
            System.out.printf(
                    "replica %s killed: 1000 reads in %d ms, %d failed, served by %s, slowest read %d ms,"
                            + " %s status: %s%n",
                    victim.name(),
                    TimeUnit.NANOSECONDS.toMillis(total),
                    failures.size(),
                    served,
                    TimeUnit.NANOSECONDS.toMillis(slowest),
                    victim.name(),
                    status.node(victim.name()).notEligibleReason());
            assertThat(failures).isEmpty();
            assertThat(served).doesNotContainKey(victim.name());
        }
    }

    private static Where read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return Where.of(c);
        }
    }
}
