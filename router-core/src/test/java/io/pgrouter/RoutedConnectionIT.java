package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The routed connection as JDBC code sees it, against a real primary and replica: what its statements, result sets
 * and metadata lead back to, the driver's COPY and LISTEN/NOTIFY through {@code unwrap}, a held connection moving
 * between transactions, and a read whose connection broke before it returned anything.
 */
@PostgresReplicaSet(replicas = 1)
class RoutedConnectionIT {

    /** On the replica it sleeps until cut; on the primary it answers at once. */
    private static final String SLOW_ON_REPLICA = "select pg_is_in_recovery(), inet_server_port()"
            + " from pg_sleep(case when pg_is_in_recovery() then 60 else 0 end)";

    static ReplicaSet cluster;
    private RoutingDataSource router;
    private final ExecutorService reader = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists routed_it (id serial primary key, note text)");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    @AfterEach
    void close() {
        reader.shutdownNow();
        if (router != null) {
            router.close();
        }
    }

    private RoutingDataSource router(boolean retryReads) {
        router = TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .retryReads(retryReads)
                .build();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> router.status().replicas().stream().allMatch(NodeStatus::eligible));
        return router;
    }

    private void assertNothingHeld() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(router.status().nodes()).allSatisfy(n -> {
                    assertThat(n.inFlight()).as("in flight on %s", n.name()).isZero();
                    assertThat(n.activeConnections())
                            .as("active in pool of %s", n.name())
                            .isZero();
                }));
    }

    @Test
    void statementsResultSetsAndMetadataLeadBackToTheRoutedConnection() throws SQLException {
        router(true);
        Connection connection = router.getConnection();
        connection.setReadOnly(true);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1");
        PreparedStatement prepared = connection.prepareStatement("select ?");
        DatabaseMetaData metaData = connection.getMetaData();

        assertThat(statement.getConnection()).isSameAs(connection);
        assertThat(rows.getStatement().getConnection()).isSameAs(connection);
        assertThat(prepared.getConnection()).isSameAs(connection);
        assertThat(metaData.getConnection()).isSameAs(connection);
        try (ResultSet tables = metaData.getTables(null, null, "routed_it", null)) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getStatement())
                    .as("JDBC allows null for metadata")
                    .isNull();
        }

        // Closing what they lead to is closing the routed connection: its node sees it, its pool gets it back once.
        rows.getStatement().getConnection().close();
        assertThat(connection.isClosed()).isTrue();
        assertThat(statement.isClosed()).isTrue();
        assertNothingHeld();
    }

    @Test
    void copyAndListenNotifyWorkThroughTheDriversConnection() throws Exception {
        router(true);
        try (Connection connection = router.getConnection()) {
            long copied = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY routed_it (note) FROM STDIN", new StringReader("one\ntwo\nthree\n"));
            assertThat(copied).isEqualTo(3);
        }

        try (Connection listener = router.getConnection();
                Connection notifier = router.getConnection()) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN routed_it");
            }
            try (Statement s = notifier.createStatement()) {
                s.execute("NOTIFY routed_it, 'hello'");
            }
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(received)
                    .extracting(PGNotification::getName, PGNotification::getParameter)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("routed_it", "hello"));
        }
        assertNothingHeld();
    }

    @Test
    void aHeldConnectionMovesBetweenTransactionsAsItsIntentChanges() throws SQLException {
        router(true);
        try (Connection held = router.getConnection()) {
            held.setReadOnly(true);
            held.setAutoCommit(false);
            assertThat(Where.of(held).inRecovery()).as("read-only transaction").isTrue();
            held.commit();

            held.setReadOnly(false);
            Where write = Where.of(held);
            try (Statement s = held.createStatement()) {
                assertThat(s.executeUpdate("insert into routed_it (note) values ('held')"))
                        .isEqualTo(1);
            }
            held.commit();
            assertThat(write.port())
                    .as("write transaction")
                    .isEqualTo(cluster.primary().port());

            held.setReadOnly(true);
            assertThat(Where.of(held).inRecovery()).as("read-only again").isTrue();
            held.commit();
        }
        assertThat(router.status().primary().routes(RouteReason.PRIMARY_WRITE)).isEqualTo(1);
        assertThat(router.status().replicas().get(0).routes(RouteReason.REPLICA))
                .isEqualTo(2);
        assertNothingHeld();
    }

    @Test
    void aReadWhoseConnectionBrokeBeforeAnsweringRunsAgainOnThePrimary() throws Exception {
        router(true);
        Future<Where> read = reader.submit(() -> slowOnReplica(router));
        terminateOnReplica();

        Where where = read.get(30, TimeUnit.SECONDS);
        assertThat(where.inRecovery()).isFalse();
        assertThat(where.port()).isEqualTo(cluster.primary().port());
        assertThat(router.status().primary().routes(RouteReason.FALLBACK_RETRIED))
                .isEqualTo(1);
        assertNothingHeld();
    }

    @Test
    void withRetriesOffTheBrokenReadFails() throws Exception {
        router(false);
        Future<Where> read = reader.submit(() -> slowOnReplica(router));
        terminateOnReplica();

        assertThatThrownBy(() -> read.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SQLException.class)
                .satisfies(e ->
                        assertThat(((SQLException) e.getCause()).getSQLState()).matches("57P01|08.*"));
        assertThat(router.status().primary().routes(RouteReason.FALLBACK_RETRIED))
                .isZero();
    }

    /** A read that sleeps on a replica until cut and answers at once on the primary; where it finally ran. */
    static Where slowOnReplica(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SLOW_ON_REPLICA)) {
                rs.next();
                return new Where(rs.getBoolean(1), rs.getInt(2), 0);
            }
        }
    }

    /** Waits for the slow read to run on the replica, then ends its backend as an administrator would. */
    private static void terminateOnReplica() throws SQLException {
        terminateSlowRead(cluster.replicas().get(0));
    }

    /** Waits for {@link #slowOnReplica(RoutingDataSource)} to run on {@code replica}, then ends its backend. */
    static void terminateSlowRead(PostgresNode replica) throws SQLException {
        try (Connection admin = replica.dataSource().getConnection();
                PreparedStatement find = admin.prepareStatement("select pid from pg_stat_activity"
                        + " where query like '%pg_sleep(case%' and pid <> pg_backend_pid() and state = 'active'")) {
            int[] pid = new int[1];
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (ResultSet rs = find.executeQuery()) {
                    pid[0] = rs.next() ? rs.getInt(1) : 0;
                }
                return pid[0] != 0;
            });
            try (Statement s = admin.createStatement()) {
                s.execute("select pg_terminate_backend(" + pid[0] + ")");
            }
        }
    }
}
