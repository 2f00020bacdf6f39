package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.SwitchoverReport.Result;
import io.pgrouter.testkit.NodeProxy;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A router that follows another router's switchover through the signal on the primary, and whose probes of the new
 * primary time out (a proxy on its probe path only is cut off): once the old primary is rejoined as a standby and
 * carries no signal any more, the follower has no primary that answers; it must keep its writes held rather than
 * send them to the old primary, which refuses them (08006 while it restarts, 25006 as a standby).
 */
@PostgresReplicaSet(replicas = 1, isolated = true)
class SwitchoverFollowerIT {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    static ReplicaSet cluster;

    @Test
    void aFollowerThatCannotSeeTheNewPrimaryHoldsItsWritesUntilItDoes() throws Exception {
        PostgresNode target = cluster.node("replica-1");
        PostgresNode oldPrimary = cluster.primary();
        try (NodeProxy followerProbePath = NodeProxy.inFrontOf(target);
                RoutingDataSource leader =
                        TestRouters.routerFor(cluster).probeInterval(INTERVAL).build();
                RoutingDataSource follower = TestRouters.routerFor(cluster)
                        .probeInterval(INTERVAL)
                        .probeUrl("replica-1", followerProbePath.jdbcUrl())
                        .build()) {
            WriteLoad.createTable(leader);
            await().atMost(GENEROUS)
                    .until(() -> leader.status().node("replica-1").eligible());
            followerProbePath.faults().cutOff();
            await().atMost(GENEROUS)
                    .until(() -> !follower.status().node("replica-1").eligible());
            SwitchoverReport report;
            try (WriteLoad load = new WriteLoad(follower, 1, new AtomicLong(), 2, 5)) {
                await().atMost(GENEROUS).until(() -> load.acknowledgedCount() >= 100);
                // A max-pause far beyond the test's steps, so that the follower's deadline never releases its writes.
                report = leader.switchover(
                        "replica-1",
                        SwitchoverOptions.custom()
                                .maxPause(Duration.ofSeconds(90))
                                .build());
                System.out.println(report.toText());
                assertThat(report.result()).as(report.toString()).isEqualTo(Result.COMPLETED);

                cluster.adoptPromotion(target);
                cluster.rejoinAsStandby(oldPrimary);
                // The follower's probes now find the old primary a standby without a signal, and the new one silent.
                await().atMost(GENEROUS)
                        .until(() -> String.valueOf(
                                        follower.status().node("primary").notEligibleReason())
                                .contains("standby"));
                Instant seen = follower.status().node("primary").lastProbeAt();
                await().atMost(GENEROUS)
                        .until(() -> follower.status()
                                .node("primary")
                                .lastProbeAt()
                                .isAfter(seen.plus(INTERVAL.multipliedBy(10))));
                assertThat(load.failures())
                        .as("writes released to the old primary")
                        .isEmpty();

                followerProbePath.faults().restore();
                int held = load.acknowledgedCount();
                await().atMost(GENEROUS).until(() -> load.acknowledgedCount() >= held + 100);
                assertThat(follower.status().node("replica-1").role()).isEqualTo(NodeRole.PRIMARY);
                load.close();
                assertThat(load.failures()).isEmpty();
                assertThat(ids(target)).containsAll(load.acknowledged());
            }
        }
    }

    private static Set<Long> ids(PostgresNode primary) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = primary.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT id FROM acked")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
