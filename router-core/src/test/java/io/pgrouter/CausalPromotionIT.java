package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.RoutedConnection;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A promotion while writers read their writes back with causal sessions: no read with a position from before the
 * promotion (timeline 1) is served by a node that has not replayed it; such reads go to the new primary, and the
 * sessions move onto the new timeline.
 */
@PostgresReplicaSet(replicas = 2, isolated = true)
class CausalPromotionIT {

    static ReplicaSet cluster;

    @Test
    void readsWithPositionsFromBeforeAPromotionNeverMissTheirWrites() throws Exception {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(ReadAfterWrite.TABLE);
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
        LongAdder pairs = new LongAdder();
        LongAdder violations = new LongAdder();
        LongAdder failures = new LongAdder();
        LongAdder causalOnPrimaryAfterPromotion = new LongAdder();
        AtomicBoolean promoted = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        try (RoutingDataSource router = TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .replicaPool(PoolSettings.from(PoolSettings.REPLICA_DEFAULTS)
                        .connectionTimeout(Duration.ofSeconds(1))
                        .build())
                .primaryPool(PoolSettings.from(PoolSettings.PRIMARY_DEFAULTS)
                        .connectionTimeout(Duration.ofSeconds(2))
                        .build())
                .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(pool.submit(() -> {
                    CausalSession session = CausalSession.create();
                    while (!stop.get()) {
                        try {
                            router.causal(session, () -> {
                                long id = write(router);
                                RouteReason reason = readBack(router, id, violations);
                                if (promoted.get() && reason == RouteReason.PRIMARY_CAUSAL) {
                                    causalOnPrimaryAfterPromotion.increment();
                                }
                                pairs.increment();
                                return null;
                            });
                        } catch (SQLException e) {
                            // The old primary stopping fails writes in flight: that pair does not count.
                            failures.increment();
                        }
                    }
                    return null;
                }));
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pairs.sum() >= 200);
            String newPrimary = cluster.replica(0).name();
            cluster.promote(cluster.replica(0), ReplicaSet.OldPrimary.STOP);
            promoted.set(true);
            long atPromotion = pairs.sum();
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> pairs.sum() >= atPromotion + 500);
            stop.set(true);
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
            System.out.printf(
                    "promotion during the run: %d pairs (%d after), %d violations, %d failed pairs,"
                            + " %d causal reads on the new primary after the promotion%n",
                    pairs.sum(),
                    pairs.sum() - atPromotion,
                    violations.sum(),
                    failures.sum(),
                    causalOnPrimaryAfterPromotion.sum());
            assertThat(violations.sum()).isZero();
            assertThat(router.status().primary().name()).isEqualTo(newPrimary);
        }
    }

    private static long write(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement s =
                            c.prepareStatement("insert into causal_check (writer, note) values (0, 'p') returning id");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            c.commit();
            return id;
        }
    }

    private static RouteReason readBack(RoutingDataSource router, long id, LongAdder violations) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("select 1 from causal_check where id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        violations.increment();
                    }
                }
            }
            return c.unwrap(RoutedConnection.class).route().reason();
        }
    }
}
