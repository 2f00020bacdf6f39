package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every network fault looks like to a JDBC client, on a real primary and replica, for one mechanism; each
 * subclass names the mechanism and says when this machine cannot make it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractNetworkFaultsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    ReplicaSet cluster;
    private List<String> dataDirectories;

    /** The mechanism under test. */
    abstract Mechanism mechanism();

    /** Why this machine cannot make the mechanism, or empty when it can. */
    abstract Optional<String> unavailableReason();

    /** Checks the address clients reach {@code node} on. */
    abstract void checkAddress(PostgresNode node);

    /** Checks, after the replica set closed, that nothing of the mechanism is left on the machine. */
    abstract void assertNothingLeft(ReplicaSet closed);

    @BeforeAll
    void startCluster() {
        unavailableReason().ifPresent(reason -> skip(mechanism() + " network faults are not possible here: " + reason));
        cluster = PostgresReplicaSet.builder()
                .replicas(1)
                .networkFaults(mechanism())
                .start();
        dataDirectories = cluster.nodes().stream()
                .map(n -> query(n, "SELECT current_setting('data_directory')"))
                .toList();
    }

    @AfterEach
    void restoreTheNetwork() {
        cluster.nodes().forEach(n -> n.network().restore());
    }

    @AfterAll
    void closeLeavesNothingBehind() {
        if (cluster == null) {
            return;
        }
        cluster.close();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .commandLine()
                                .map(line -> dataDirectories.stream().anyMatch(line::contains))
                                .orElse(false))
                        .toList())
                .as("server processes of the closed replica set")
                .isEmpty();
        assertNothingLeft(cluster);
    }

    @Test
    void everyNodeUsesTheMechanismAskedForAndItsServerKnowsItsPort() {
        assertThat(cluster.nodes()).allSatisfy(n -> {
            assertThat(n.network().mechanism()).isEqualTo(mechanism());
            checkAddress(n);
            assertThat(query(n, "SELECT inet_server_port()")).isEqualTo(Integer.toString(n.port()));
        });
    }

    @Test
    void aCutOffNodeTimesOutNewConnectionsAndHangsOpenOnesWithoutAReset() throws SQLException {
        PostgresNode replica = cluster.replica(0);
        try (Connection idle = connect(replica, 30);
                Connection busy = connect(replica, 3)) {
            replica.network().cutOff();

            long started = System.nanoTime();
            // With namespaces the TCP connect times out; with the proxy it connects and the login read times out.
            SQLException connectFailure =
                    catchThrowableOfType(() -> connect(replica, 2).close(), SQLException.class);
            assertThat((Throwable) connectFailure)
                    .as("a connect to a cut-off node")
                    .isNotNull()
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(elapsed(started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));

            started = System.nanoTime();
            assertThatThrownBy(() -> selectOne(busy))
                    .as("a query on an open connection of a cut-off node")
                    .isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(elapsed(started))
                    .as("the query hangs until its socket timeout (3 s)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2500));

            replica.network().restore();
            assertThat(selectOne(idle))
                    .as("a connection left idle during the cut-off goes on")
                    .isEqualTo(1);
            try (Connection fresh = connect(replica, 10)) {
                assertThat(selectOne(fresh)).isEqualTo(1);
            }
        }
    }

    @Test
    void latencyDelaysEveryRoundTrip() throws SQLException {
        PostgresNode primary = cluster.primary();
        assertThatThrownBy(() -> primary.network().addLatency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency of primary")
                .hasMessageContaining("PT-0.001S");
        try (Connection c = connect(primary, 30)) {
            addLatencyOrSkip(primary, Duration.ofMillis(400));
            long started = System.nanoTime();
            selectOne(c);
            assertThat(elapsed(started))
                    .as("a round trip with 400 ms of added latency")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(380));

            primary.network().addLatency(Duration.ZERO);
            assertThat(selectOne(c)).isEqualTo(1);
        }
    }

    /** Namespaces need the kernel's netem queue for latency: without it the test says so instead of passing. */
    private void addLatencyOrSkip(PostgresNode node, Duration delay) {
        try {
            node.network().addLatency(delay);
        } catch (UnsupportedOperationException e) {
            assertThat(mechanism())
                    .as("only namespaces may be unable to add latency")
                    .isEqualTo(Mechanism.NAMESPACE);
            skip(e.getMessage());
        }
    }

    private void skip(String reason) {
        // Printed as well: a skipped test's reason is easy to miss in a build log.
        System.out.println("SKIPPED " + getClass().getSimpleName() + ": " + reason);
        Assumptions.abort(reason);
    }

    @Test
    void resetConnectionsFailsTheNextQueryAtOnceAndNewConnectionsWork() throws SQLException {
        PostgresNode replica = cluster.replica(0);
        try (Connection c = connect(replica, 30)) {
            assertThat(selectOne(c)).isEqualTo(1);
            replica.network().resetConnections();

            long started = System.nanoTime();
            assertThatThrownBy(() -> selectOne(c))
                    .as("a query on a reset connection")
                    .isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(SocketException.class);
            assertThat(elapsed(started))
                    .as("well under the socket timeout of 30 s")
                    .isLessThan(Duration.ofSeconds(10));
        }
        try (Connection fresh = connect(replica, 10)) {
            assertThat(selectOne(fresh)).isEqualTo(1);
        }
    }

    @Test
    void cuttingThePrimaryStopsReplicationAndRestoringResumesIt() throws SQLException {
        PostgresNode primary = cluster.primary();
        PostgresNode replica = cluster.replica(0);
        execute(primary, "CREATE TABLE IF NOT EXISTS network_faults(id int)");
        cluster.awaitReplicated(DEADLINE);
        try (Connection writer = connect(primary, 30)) {
            // The primary writes while it is cut off: a statement sent before the cut-off commits during it.
            Thread writing = new Thread(() ->
                    execute(writer, "DO $$ BEGIN PERFORM pg_sleep(1); INSERT INTO network_faults VALUES (1); END $$"));
            writing.start();
            await().atMost(DEADLINE)
                    .until(
                            () -> query(
                                    primary,
                                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'DO %network_faults%'"
                                            + " AND state = 'active' AND pid <> pg_backend_pid()"),
                            "1"::equals);
            primary.network().cutOff();
            String receivedAtCut = query(replica, "SELECT pg_last_wal_receive_lsn()::text");
            await().during(Duration.ofSeconds(4))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> query(replica, "SELECT pg_last_wal_receive_lsn()::text"), receivedAtCut::equals);

            primary.network().restore();
            await().atMost(DEADLINE).until(() -> !writing.isAlive());
        }
        cluster.awaitReplicated(DEADLINE);
        assertThat(query(replica, "SELECT count(*) FROM network_faults")).isEqualTo("1");
    }

    @Test
    void aNodeWithoutFaultsEnabledSaysHowToEnableThem() {
        try (ReplicaSet plain = PostgresReplicaSet.builder().replicas(0).start()) {
            assertThatThrownBy(() -> plain.primary().network())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("networkFaults(true)")
                    .hasMessageContaining("primary");
        }
    }

    private static void execute(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static Connection connect(PostgresNode node, int socketTimeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "postgres");
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        p.setProperty("loginTimeout", "20");
        return DriverManager.getConnection(node.jdbcUrl(), p);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String query(PostgresNode node, String sql) {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + node.name() + ": " + e.getMessage(), e);
        }
    }

    private static void execute(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
