package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.internal.CausalRouting;
import io.pgrouter.internal.RoutedConnection;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Monotonic reads against real replication: one replica applies commits a second late, the other at once, a writer
 * commits rows all along, and a session that only reads takes turns between the replicas. Without monotonic reads its
 * reads go back in time; with them, never.
 */
@PostgresReplicaSet(replicas = 2, isolated = true)
class MonotonicReadsIT {

    private static final int READS = 300;

    static ReplicaSet cluster;
    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private Future<?> writes;
    private RoutingDataSource router;

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists monotonic_check (id bigserial primary key)");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    @BeforeEach
    void startWriterAndDelayOneReplica() {
        cluster.replica(1).setReplayDelay(Duration.ofSeconds(1));
        // One row at a time on one connection: ids grow in commit order, so max(id) tells how far a read saw.
        writes = writer.submit(() -> {
            try (Connection c = cluster.primary().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                while (writing.get()) {
                    s.execute("insert into monotonic_check default values");
                    TimeUnit.MILLISECONDS.sleep(5); // pacing the writer, not waiting for a condition
                }
            }
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        writing.set(false);
        writes.get(30, TimeUnit.SECONDS);
        writer.shutdownNow();
        if (router != null) {
            router.close();
        }
        cluster.replica(1).setReplayDelay(Duration.ZERO);
    }

    private RoutingDataSource router(boolean monotonicReads) {
        router = TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .selection(ReplicaSelector.roundRobin())
                .consistencyMonotonicReads(monotonicReads)
                .build();
        await("both replicas in rotation")
                .atMost(Duration.ofSeconds(60))
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        return router;
    }

    /** The newest row a read saw, and where it went. */
    private record Read(long maxId, RouteReason reason) {}

    private static Read read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select coalesce(max(id), 0) from monotonic_check")) {
                rs.next();
                return new Read(
                        rs.getLong(1), c.unwrap(RoutedConnection.class).route().reason());
            }
        }
    }

    /** How often a read saw less than the read before it. */
    private static int wentBack(List<Read> reads) {
        int back = 0;
        for (int i = 1; i < reads.size(); i++) {
            if (reads.get(i).maxId() < reads.get(i - 1).maxId()) {
                back++;
            }
        }
        return back;
    }

    @Test
    void withoutMonotonicReadsASessionsReadsGoBackInTime() {
        RoutingDataSource r = router(false);
        CausalSession session = CausalSession.create();
        List<Read> reads = new ArrayList<>();
        await("a read that saw less than the one before")
                .atMost(Duration.ofSeconds(120))
                .until(() -> {
                    reads.add(r.causal(session, () -> read(r)));
                    return wentBack(reads) > 0;
                });
        assertThat(session.isEmpty())
                .as("reads alone do not advance the session")
                .isTrue();
    }

    @Test
    void withMonotonicReadsASessionsReadsNeverGoBackInTime() throws Exception {
        RoutingDataSource r = router(true);
        CausalSession session = CausalSession.create();
        List<Read> reads = new ArrayList<>();
        for (int i = 0; i < READS; i++) {
            reads.add(r.causal(session, () -> read(r)));
        }
        Map<RouteReason, Integer> reasons = new EnumMap<>(RouteReason.class);
        reads.forEach(read -> reasons.merge(read.reason(), 1, Integer::sum));
        CausalRouting causal = r.unwrap(RouterRuntime.class).router().decider().causal();
        System.out.println("monotonic reads: " + READS + " reads, by reason " + reasons + ", " + causal.observations()
                + " positions learned from reads, " + causal.observationFailures() + " failed");

        assertThat(wentBack(reads))
                .as("reads that saw less than the one before")
                .isZero();
        assertThat(reads.get(READS - 1).maxId())
                .as("the writer went on")
                .isGreaterThan(reads.get(0).maxId());
        assertThat(reasons.keySet())
                .as("reads still use replicas")
                .containsAnyOf(RouteReason.REPLICA_CAUGHT_UP, RouteReason.REPLICA_AFTER_WAIT);
        assertThat(causal.observations()).isEqualTo(READS);
        assertThat(session.isEmpty()).as("the session learned what it read").isFalse();
    }

    @Test
    void aTokenCarriesWhatTheSessionReadToAnotherRouter() throws Exception {
        RoutingDataSource r = router(true);
        CausalSession session = CausalSession.create();
        Read first = r.causal(session, () -> read(r));
        try (RoutingDataSource other = TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .selection(ReplicaSelector.roundRobin())
                .build()) {
            for (int i = 0; i < 20; i++) {
                Read next = other.causal(CausalSession.fromToken(session.toToken()), () -> read(other));
                assertThat(next.maxId())
                        .as("a read elsewhere with the token sees at least what the session read")
                        .isGreaterThanOrEqualTo(first.maxId());
            }
        }
    }
}
