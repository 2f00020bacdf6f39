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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The router with a PgBouncer (Debian's {@code pgbouncer}, transaction pooling) in front of each node: routing,
 * prepared statements ({@code prepareThreshold=0}), lag exclusion and a stopped replica pass through it. The probes
 * go through PgBouncer too: a per-node probe URL straight to PostgreSQL does not exist yet. Skipped, with the reason
 * printed, where {@code pgbouncer} is not installed.
 */
@RequiresPrograms(value = "pgbouncer", installHint = "Debian: apt-get install pgbouncer")
@PostgresReplicaSet(replicas = 1, isolated = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgBouncerRoutingIT {

    static ReplicaSet cluster;

    private final List<PgBouncer> bouncers = new ArrayList<>();
    private PgBouncer primaryBouncer;
    private PgBouncer replicaBouncer;

    @BeforeAll
    void startBouncers() {
        primaryBouncer = start(cluster.primary());
        replicaBouncer = start(cluster.replica(0));
    }

    private PgBouncer start(PostgresNode node) {
        PgBouncer bouncer = PgBouncer.inFrontOf(node, cluster);
        bouncers.add(bouncer);
        return bouncer;
    }

    @AfterAll
    void stopBouncers() {
        bouncers.forEach(PgBouncer::close);
    }

    private RoutingDataSource router() {
        return RoutingDataSource.builder()
                .primary(primaryBouncer.jdbcUrl(), cluster.user(), cluster.password())
                .replica(cluster.replica(0).name(), replicaBouncer.jdbcUrl(), cluster.user(), cluster.password())
                .probeInterval(Duration.ofMillis(200))
                .build();
    }

    @Test
    void readsReachTheReplicaAndWritesThePrimaryThroughPgBouncer() throws Exception {
        try (RoutingDataSource router = router()) {
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table if not exists bounced (id int primary key, note text)");
                s.execute("insert into bounced values (1, 'through pgbouncer') on conflict do nothing");
                assertThat(node(c)).isEqualTo("primary");
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

    @Test
    void aStoppedReplicaBehindPgBouncerSendsReadsToThePrimaryAndGetsThemBackWhenItReturns() throws Exception {
        PostgresNode replica = cluster.replica(0);
        try (RoutingDataSource router = router()) {
            awaitEligible(router, replica, true);
            replica.stop();
            try {
                // PgBouncer still accepts connections; the probe's login fails behind it, so the replica leaves.
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
                assertThat(served).containsOnlyKeys("primary");
            } finally {
                replica.start();
            }
            awaitEligible(router, replica, true);
            assertThat(read(router)).isEqualTo(replica.name());
        }
    }

    @Test
    void aReplicaWhoseReplayIsPausedLeavesRotationThroughPgBouncerAndReturnsOnceItCatchesUp() throws Exception {
        PostgresNode replica = cluster.replica(0);
        try (RoutingDataSource router = router()) {
            awaitEligible(router, replica, true);
            replica.pauseReplay();
            try {
                // Writes through the primary's PgBouncer keep WAL coming; the probes through the replica's see the lag.
                await("replica out of rotation for its lag")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            write(router);
                            return !router.status().node(replica.name()).eligible();
                        });
                System.out.println("replay paused behind PgBouncer: "
                        + router.status().node(replica.name()).notEligibleReason());
                assertThat(router.status().node(replica.name()).health()).isEqualTo(HealthState.LAGGING);
                assertThat(read(router)).isEqualTo("primary");
            } finally {
                replica.resumeReplay();
            }
            awaitEligible(router, replica, true);
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
