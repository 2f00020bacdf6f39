package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The router reacting to what the health monitor finds, under a steady read load, against a real primary and two
 * replicas broken on purpose. Deadlines in assertions are generous; the measured times are printed.
 */
@PostgresReplicaSet(replicas = 2, isolated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterHealthIT {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    /**
     * What "at once" means in an assertion: two probe intervals is the design, and the printed figures show it, but a
     * loaded 2-core CI machine can starve the monitor for a second or more; still far from the pool's 30 s or TCP's.
     * Detection times are measured in the benchmarks, not asserted here.
     */
    private static final Duration DETECTED_WITHIN = Duration.ofSeconds(5);

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long MAX_BYTES = 256 * 1024;
    /**
     * Far above the time the writer below needs to pass {@link #MAX_BYTES} on a loaded machine: this class tests the
     * bytes threshold (a replica that crossed the time one first left with a lag under MAX_BYTES in a sweep run).
     */
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private ReplicaSet cluster;
    private RoutingDataSource router;

    @BeforeEach
    void startRouter() {
        router = TestRouters.routerFor(cluster)
                .probeInterval(INTERVAL)
                .lagThresholds(new LagThresholds(MAX_BYTES, MAX_DELAY, 3))
                .build();
        await(
                "both replicas eligible",
                () -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
    }

    @AfterEach
    void stopRouter() {
        router.close();
        for (PostgresNode node : cluster.nodes()) {
            node.thaw();
            node.start();
        }
        // A test that failed half-way must not leave the next one a replica that does not replay.
        for (PostgresNode replica : cluster.replicas()) {
            replica.resumeReplay();
        }
    }

    @Test
    @Order(1)
    void aReplicaPastTheLagThresholdLeavesPromptlyAndReturnsAfterTheHysteresis() throws Exception {
        PostgresNode replica = cluster.node("replica-1");
        execute(cluster.primary(), "CREATE TABLE IF NOT EXISTS churn(id serial primary key, pad text)");
        cluster.awaitReplicated(DEADLINE);
        try (ReadLoad load = new ReadLoad(router, cluster, 4)) {
            replica.pauseReplay();
            long pausedAt = Long.parseLong(query(replica, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')"));
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    try {
                        execute(
                                cluster.primary(),
                                "INSERT INTO churn(pad) SELECT repeat('x', 200) FROM generate_series(1, 20)");
                    } catch (SQLException e) {
                        return;
                    }
                }
            });
            writer.start();
            long crossed;
            try {
                // The moment the primary is MAX_BYTES past the paused replay position, seen from outside the router.
                await("the primary to pass the threshold", () -> primaryLsn() - pausedAt > MAX_BYTES);
                crossed = System.nanoTime();
            } finally {
                writing.set(false);
                writer.join();
            }
            await(
                    "replica-1 out of rotation",
                    () -> !router.status().node("replica-1").eligible());
            Duration out = Duration.ofNanos(System.nanoTime() - crossed);
            NodeStatus status = router.status().node("replica-1");
            System.out.printf(
                    "lag threshold crossed -> replica-1 out of rotation after %d ms (%s)%n",
                    out.toMillis(), status.notEligibleReason());
            assertThat(out).isLessThan(DETECTED_WITHIN);
            assertThat(status.health()).isEqualTo(HealthState.LAGGING);
            assertThat(status.replayPaused()).isTrue();
            assertThat(status.lagBytes()).isGreaterThan(MAX_BYTES);

            long excludedAt = System.nanoTime();
            Thread.sleep(INTERVAL.toMillis() * 3);
            assertThat(load.startedAfter(excludedAt))
                    .extracting(ReadLoad.Read::node)
                    .doesNotContain("replica-1");

            replica.resumeReplay();
            long resumed = System.nanoTime();
            await(
                    "replica-1 back in rotation",
                    () -> router.status().node("replica-1").eligible());
            System.out.printf(
                    "replay resumed -> replica-1 back after %d ms (rejoin-after 3 probes of %d ms)%n",
                    Duration.ofNanos(System.nanoTime() - resumed).toMillis(), INTERVAL.toMillis());
            long backAt = System.nanoTime();
            await(
                    "reads on replica-1 again",
                    () -> load.startedAfter(backAt).stream().anyMatch(r -> "replica-1".equals(r.node())));
            load.close();
            System.out.printf(
                    "reads during the lag episode: %s, failed %d%n",
                    load.perNode(), load.failures().size());
            assertThat(load.failures()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void aStoppedReplicaOpensItsBreakerAndOnlyReadsInFlightFail() throws Exception {
        PostgresNode replica = cluster.node("replica-2");
        try (ReadLoad load = new ReadLoad(router, cluster, 4)) {
            Thread.sleep(INTERVAL.toMillis() * 2);
            long stopping = System.nanoTime();
            replica.stop();
            await(
                    "replica-2 out of rotation",
                    () -> !router.status().node("replica-2").eligible());
            long excluded = System.nanoTime();
            await(
                    "replica-2's breaker open",
                    () -> !router.status().node("replica-2").breakerState().equals("closed"));
            NodeStatus status = router.status().node("replica-2");
            assertThat(status.health()).isEqualTo(HealthState.UNREACHABLE);
            Thread.sleep(INTERVAL.toMillis() * 3);
            replica.start();
            await("replica-2 back", () -> router.status().node("replica-2").eligible());
            assertThat(router.status().node("replica-2").breakerState()).isEqualTo("closed");
            load.close();
            List<ReadLoad.Read> failed = load.failures();
            System.out.printf(
                    "replica-2 stopped (fast shutdown) under load: out of rotation %d ms after the stop began; reads %s;"
                            + " %d failed, all in flight on replica-2 when it shut down: %s%n",
                    (excluded - stopping) / 1_000_000,
                    load.perNode(),
                    failed.size(),
                    failed.stream().map(ReadLoad.Read::error).distinct().toList());
            // A fast shutdown ends the sessions it finds; the reads running in them fail (the router retries no
            // statement). Every read that started once the replica was out of rotation succeeded.
            assertThat(failed)
                    .allSatisfy(r -> assertThat(r.startedNanos() - excluded).isNegative());
            assertThat(load.startedAfter(excluded))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.error()).isNull());
        }
    }

    @Test
    @Order(3)
    void aFrozenReplicaGetsNoNewReadOnceOutOfRotationAndNoReadWaitsForTcp() throws Exception {
        PostgresNode replica = cluster.node("replica-1");
        try (ReadLoad load = new ReadLoad(router, cluster, 4)) {
            Thread.sleep(INTERVAL.toMillis() * 2);
            long frozenAt = System.nanoTime();
            replica.freeze();
            await(
                    "replica-1 out of rotation",
                    () -> !router.status().node("replica-1").eligible());
            long excludedAt = System.nanoTime();
            Thread.sleep(INTERVAL.toMillis() * 5);
            load.close();
            replica.thaw();

            List<ReadLoad.Read> after = load.startedAfter(frozenAt);
            long lateOnFrozen = load.startedAfter(excludedAt).stream()
                    .filter(r -> "replica-1".equals(r.node()))
                    .count();
            long slowest = after.stream().mapToLong(ReadLoad.Read::nanos).max().orElse(0);
            List<ReadLoad.Read> failed = load.failures();
            System.out.printf(
                    "replica-1 frozen: out of rotation after %d ms, %d reads after the freeze, slowest %d ms, %d failed"
                            + " (aborted in flight): %s%n",
                    (excludedAt - frozenAt) / 1_000_000,
                    after.size(),
                    slowest / 1_000_000,
                    failed.size(),
                    failed.stream().map(ReadLoad.Read::error).distinct().toList());
            assertThat(lateOnFrozen)
                    .as("reads that started on the frozen replica after it left rotation")
                    .isZero();
            assertThat(Duration.ofNanos(slowest)).isLessThan(DETECTED_WITHIN);
            assertThat(router.status().node("replica-1").health()).isEqualTo(HealthState.UNREACHABLE);
        }
        await(
                "replica-1 back after thaw",
                () -> router.status().node("replica-1").eligible());
    }

    @Test
    @Order(4)
    void aThresholdChangeTakesEffectAtTheNextProbe() throws Exception {
        PostgresNode replica = cluster.node("replica-2");
        replica.pauseReplay();
        try {
            execute(cluster.primary(), "INSERT INTO churn(pad) VALUES ('a small step behind')");
            await(
                    "replica-2 a few bytes behind",
                    () -> router.status().node("replica-2").lagBytes() > 0);
            assertThat(router.status().node("replica-2").eligible()).isTrue();

            long changed = System.nanoTime();
            router.setLagThresholds(new LagThresholds(1, Duration.ofSeconds(2), 3));
            await(
                    "replica-2 out under the new threshold",
                    () -> !router.status().node("replica-2").eligible());
            Duration took = Duration.ofNanos(System.nanoTime() - changed);
            System.out.printf("threshold lowered -> replica-2 out after %d ms%n", took.toMillis());
            assertThat(took).isLessThan(DETECTED_WITHIN);
            assertThat(router.status().lagThresholds().maxBytes()).isEqualTo(1);
        } finally {
            replica.resumeReplay();
        }
    }

    @Test
    @Order(5)
    void drainAndForcePrimaryAreObeyedAtOnce() throws Exception {
        router.drain("replica-1");
        for (int i = 0; i < 20; i++) {
            assertThat(read()).isNotEqualTo("replica-1");
        }
        assertThat(router.status().node("replica-1").notEligibleReason()).isEqualTo("drained by an operator");
        router.undrain("replica-1");
        router.setForcePrimary(true);
        for (int i = 0; i < 5; i++) {
            assertThat(read()).isEqualTo("primary");
        }
        assertThat(router.status().primary().routes(RouteReason.PRIMARY_FORCED)).isEqualTo(5);
        router.setForcePrimary(false);
        await("reads on replicas again", () -> {
            try {
                return read().startsWith("replica-");
            } catch (SQLException e) {
                return false;
            }
        });
    }

    @Test
    @Order(6)
    void writesReachAPromotedReplicaPromptly() throws Exception {
        PostgresNode promoted = cluster.node("replica-1");
        cluster.awaitReplicated(DEADLINE);
        cluster.promote(promoted);
        long promotedAt = System.nanoTime();
        String wroteOn;
        do {
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO churn(pad) VALUES ('after promotion')");
                wroteOn = Where.of(c).node(cluster);
            }
            assertThat(System.nanoTime() - promotedAt)
                    .as("writes reaching replica-1")
                    .isLessThan(DEADLINE.toNanos());
        } while (!wroteOn.equals("replica-1"));
        Duration took = Duration.ofNanos(System.nanoTime() - promotedAt);
        System.out.printf("replica-1 promoted -> first write on it after %d ms%n", took.toMillis());
        assertThat(took).isLessThan(DETECTED_WITHIN);
        assertThat(router.status().primary().name()).isEqualTo("replica-1");
        // The old primary still runs as a primary on the old timeline: it must not serve reads.
        assertThat(router.status().node("primary").eligible()).isFalse();
    }

    private String read() throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return Where.of(c).node(cluster);
        }
    }

    private long primaryLsn() {
        try {
            return Long.parseLong(query(cluster.primary(), "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"));
        } catch (SQLException e) {
            return -1;
        }
    }

    private static void execute(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
