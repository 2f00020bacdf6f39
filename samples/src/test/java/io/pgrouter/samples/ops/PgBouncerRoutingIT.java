package io.pgrouter.samples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.HealthState;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PgBouncer;
import io.pgrouter.testkit.PostgresNode;
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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The router with a PgBouncer (Debian's {@code pgbouncer}, transaction pooling) in front of each node: routing,
 * prepared statements ({@code prepareThreshold=0}), lag exclusion, a stopped replica and a promotion pass through it,
 * with the probes going through PgBouncer as well or straight to PostgreSQL ({@code probe-url}). Each test leaves the
 * cluster whole, with the kit's names following the roles, so the order does not matter. Skipped, with the reason
 * printed, where {@code pgbouncer} is not installed.
 */
@RequiresPrograms(value = "pgbouncer", installHint = "Debian: apt-get install pgbouncer")
@PostgresReplicaSet(replicas = 1, isolated = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgBouncerRoutingIT {

    static ReplicaSet cluster;

    /** Where the health monitor's probes connect. */
    enum Probes {
        /** At the node's URL: through its PgBouncer, like the pool. */
        THROUGH_PGBOUNCER,
        /** At the node's probe URL: PostgreSQL itself. */
        STRAIGHT_TO_POSTGRESQL
    }

    /** Each node's PgBouncer, by the kit's node name. */
    private final Map<String, PgBouncer> bouncers = new TreeMap<>();

    @BeforeAll
    void startBouncers() {
        for (PostgresNode node : cluster.nodes()) {
            bouncers.put(node.name(), PgBouncer.inFrontOf(node, cluster));
        }
    }

    @AfterAll
    void stopBouncers() {
        bouncers.values().forEach(PgBouncer::close);
    }

    /** The router over the current primary and replica, each named as in the kit, the pools through PgBouncer. */
    private RoutingDataSource router(Probes probes) {
        PostgresNode primary = cluster.primary();
        PostgresNode replica = cluster.replica(0);
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(primary.name(), bouncerUrl(primary), cluster.user(), cluster.password())
                .replica(replica.name(), bouncerUrl(replica), cluster.user(), cluster.password())
                // Its default timeout (80%: 400 ms) is met on a loaded 2-core machine, where 160 ms was not.
                .probeInterval(Duration.ofMillis(500));
        if (probes == Probes.STRAIGHT_TO_POSTGRESQL) {
            builder.probeUrl(primary.name(), primary.jdbcUrl()).probeUrl(replica.name(), replica.jdbcUrl());
        }
        return builder.build();
    }

    private String bouncerUrl(PostgresNode node) {
        return bouncers.get(node.name()).jdbcUrl();
    }

    @ParameterizedTest(name = "probes {0}")
    @EnumSource(Probes.class)
    void readsReachTheReplicaAndWritesThePrimaryThroughPgBouncer(Probes probes) throws Exception {
        try (RoutingDataSource router = router(probes)) {
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table if not exists bounced (id int primary key, note text)");
                s.execute("insert into bounced values (1, 'through pgbouncer') on conflict do nothing");
                assertThat(node(c)).isEqualTo(cluster.primary().name());
            }
            cluster.awaitReplicated(Duration.ofSeconds(30));

            Map<String, Integer> served = new TreeMap<>();
            for (int i = 0; i < 50; i++) {
                try (Connection c = router.getConnection()) {
                    c.setReadOnly(true);
                    served.merge(node(c), 1, Integer::sum);
                    // One prepared statement run ten times: past pgjdbc's default prepareThreshold of 5 it would be
                    // a named server statement, which another server session (transaction pooling) does not know.
                    try (PreparedStatement p = c.prepareStatement("select note from bounced where id = ?")) {
                        for (int k = 0; k < 10; k++) {
                            p.setInt(1, 1);
                            try (ResultSet rs = p.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getString(1)).isEqualTo("through pgbouncer");
                            }
                        }
                    }
                }
            }
            System.out.println("50 reads through PgBouncer served by " + served);
            assertThat(served).containsOnlyKeys(cluster.replica(0).name());
        }
    }

    @ParameterizedTest(name = "probes {0}")
    @EnumSource(Probes.class)
    void aStoppedReplicaBehindPgBouncerSendsReadsToThePrimaryAndGetsThemBackWhenItReturns(Probes probes)
            throws Exception {
        PostgresNode replica = cluster.replica(0);
        try (RoutingDataSource router = router(probes)) {
            awaitEligible(router, replica, true);
            replica.stop();
            try {
                // Through PgBouncer, which still accepts connections, the probe's login fails behind it; straight to
                // PostgreSQL the probe cannot connect: either way the replica leaves.
                awaitEligible(router, replica, false);
                List<String> failures = new ArrayList<>();
                Map<String, Integer> served = new TreeMap<>();
                for (int i = 0; i < 100; i++) {
                    try {
                        served.merge(read(router), 1, Integer::sum);
                    } catch (SQLException e) {
                        failures.add(e.getSQLState() + " " + e.getMessage());
                    }
                }
                System.out.printf(
                        "replica stopped behind PgBouncer: 100 reads served by %s, %d failed; %s%n",
                        served,
                        failures.size(),
                        router.status().node(replica.name()).notEligibleReason());
                assertThat(failures).isEmpty();
                assertThat(served).containsOnlyKeys(cluster.primary().name());
            } finally {
                replica.start();
            }
            awaitEligible(router, replica, true);
            // A probe straight to PostgreSQL can see the replica back before its PgBouncer has logged in to it again
            // (server_login_retry): until then a read there fails before anything came back and runs on the primary.
            // So reads come back to the replica soon, not necessarily the first one, and none fails meanwhile.
            await(replica.name() + " serves reads again")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> read(router).equals(replica.name()));
        }
    }

    @ParameterizedTest(name = "probes {0}")
    @EnumSource(Probes.class)
    void aReplicaWhoseReplayIsPausedLeavesRotationThroughPgBouncerAndReturnsOnceItCatchesUp(Probes probes)
            throws Exception {
        PostgresNode replica = cluster.replica(0);
        try (RoutingDataSource router = router(probes)) {
            awaitEligible(router, replica, true);
            replica.pauseReplay();
            try {
                // Writes through the primary's PgBouncer keep WAL coming; the probes through the replica's see the lag.
                // On a busy machine a probe may also time out on the way (UNREACHABLE for a round): wait for LAGGING.
                await("replica out of rotation for its lag")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            write(router);
                            return router.status().node(replica.name()).health() == HealthState.LAGGING;
                        });
                System.out.println("replay paused behind PgBouncer: "
                        + router.status().node(replica.name()).notEligibleReason());
                assertThat(router.status().node(replica.name()).eligible()).isFalse();
                assertThat(read(router)).isEqualTo(cluster.primary().name());
            } finally {
                replica.resumeReplay();
            }
            awaitEligible(router, replica, true);
        }
    }

    @ParameterizedTest(name = "probes {0}")
    @EnumSource(Probes.class)
    void aPromotedReplicaTakesTheWritesThroughItsPgBouncerAndTheOldPrimaryReturnsAsAReplica(Probes probes)
            throws Exception {
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode replica = cluster.replica(0);
        try (RoutingDataSource router = router(probes)) {
            awaitEligible(router, replica, true);
            assertThat(writeOn(router)).isEqualTo(oldPrimary.name());
            // A fast shutdown hands the replica the old primary's last WAL; the kit then promotes it.
            cluster.promote(replica, ReplicaSet.OldPrimary.STOP);
            try {
                await("writes through the new primary's PgBouncer")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> replica.name().equals(writeOn(router)));
                System.out.println("promotion behind PgBouncer (probes " + probes + "): writes on "
                        + replica.name() + ", " + oldPrimary.name() + " "
                        + router.status().node(oldPrimary.name()).notEligibleReason());
                assertThat(read(router)).as("reads while no replica runs").isEqualTo(replica.name());
            } finally {
                cluster.rejoinAsStandby(oldPrimary);
            }
            awaitEligible(router, oldPrimary, true);
            assertThat(read(router)).isEqualTo(oldPrimary.name());
            assertThat(writeOn(router)).isEqualTo(replica.name());
        }
    }

    private static void awaitEligible(RoutingDataSource router, PostgresNode replica, boolean eligible) {
        await(replica.name() + (eligible ? " in rotation" : " out of rotation"))
                .atMost(Duration.ofSeconds(60))
                .until(() -> router.status().node(replica.name()).eligible() == eligible);
    }

    private static void write(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists lag_writes (at timestamptz)");
            s.execute("insert into lag_writes values (now())");
        }
    }

    /** Writes a row and returns the kit's name of the server that took it. */
    private static String writeOn(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists promoted_writes (at timestamptz)");
            s.execute("insert into promoted_writes values (now())");
            return node(c);
        }
    }

    private String read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return node(c);
        }
    }

    /** The kit's name of the server a session runs on, asked of the server itself (its port, not PgBouncer's). */
    private static String node(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select inet_server_port()")) {
            rs.next();
            int port = rs.getInt(1);
            return cluster.nodes().stream()
                    .filter(n -> n.port() == port)
                    .map(PostgresNode::name)
                    .findFirst()
                    .orElse("unknown port " + port);
        }
    }
}
