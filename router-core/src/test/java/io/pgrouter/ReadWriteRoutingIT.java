package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PostgresReplicaSet(replicas = 2)
@SuppressWarnings("try") // scopes are opened for their effect, not referenced
class ReadWriteRoutingIT {

    static ReplicaSet cluster;
    private RoutingDataSource router;

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists routing_it (id serial primary key, note text)");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    @BeforeEach
    void startRouter() {
        router = TestRouters.routerFor(cluster).build();
    }

    @AfterEach
    void closeRouter() {
        router.close();
    }

    private Set<Integer> replicaPorts() {
        Set<Integer> ports = new HashSet<>();
        cluster.replicas().forEach(r -> ports.add(r.port()));
        return ports;
    }

    @Test
    void readsLandOnReplicas() throws SQLException {
        for (int i = 0; i < 20; i++) {
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                Where where = Where.of(c);
                assertThat(where.inRecovery()).isTrue();
                assertThat(replicaPorts()).contains(where.port());
            }
        }
        assertThat(router.status().replicas())
                .allSatisfy(r -> assertThat(r.routes(RouteReason.REPLICA)).isPositive());
    }

    @Test
    void writesLandOnThePrimary() throws SQLException {
        try (Connection c = router.getConnection()) {
            Where where = Where.of(c);
            assertThat(where.inRecovery()).isFalse();
            assertThat(where.port()).isEqualTo(cluster.primary().port());
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("insert into routing_it (note) values ('write')"))
                        .isEqualTo(1);
            }
        }
        assertThat(router.status().primary().routes(RouteReason.PRIMARY_WRITE)).isEqualTo(1);
    }

    @Test
    void setReadOnlyBeforeOrAfterSetAutoCommitFalseRoutesToAReplica() throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertThat(Where.of(c).inRecovery()).isTrue();
            c.commit();
        }
        try (Connection c = router.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            assertThat(Where.of(c).inRecovery()).isTrue();
            c.commit();
        }
    }

    @Test
    void setReadOnlyInsideATransactionNeverMovesItAndBetweenTransactionsMovesIt() throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setAutoCommit(false);
            Where first = Where.of(c);
            assertThat(first.inRecovery()).isFalse();
            // pgjdbc refuses the change inside the transaction; the router does not move it either.
            assertThatThrownBy(() -> c.setReadOnly(true))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25001"));
            assertThat(Where.of(c)).isEqualTo(first);
            c.commit();

            c.setReadOnly(true);
            assertThat(Where.of(c).inRecovery())
                    .as("the next transaction, on a replica")
                    .isTrue();
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("insert into routing_it (note) values ('ro')"))
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("25006"));
            }
            c.rollback();
        }
    }

    @Test
    void scopesNest() throws Exception {
        assertThat(router.readOnly(() -> whereNow().inRecovery())).isTrue();
        try (RouteScope read = router.readOnly()) {
            try (RouteScope primary = router.onPrimary()) {
                assertThat(whereNow().inRecovery())
                        .as("onPrimary inside readOnly wins")
                        .isFalse();
            }
            assertThat(whereNow().inRecovery()).isTrue();
        }
        assertThat(router.onPrimary(() -> router.readOnly(() -> whereNow().inRecovery())))
                .as("readOnly inside onPrimary stays on the primary")
                .isFalse();
        assertThat(whereNow().inRecovery()).isFalse();
        assertThat(router.status().primary().routes(RouteReason.PRIMARY_FORCED)).isEqualTo(2);
    }

    private Where whereNow() throws SQLException {
        try (Connection c = router.getConnection()) {
            return Where.of(c);
        }
    }

    @Test
    void aTransactionStaysOnItsNodeAndSession() throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Where first = Where.of(c);
            for (int i = 0; i < 50; i++) {
                assertThat(Where.of(c)).isEqualTo(first);
            }
            try (Statement s = c.createStatement();
                    var rs = s.executeQuery("show transaction_isolation")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("repeatable read");
            }
            c.commit();
        }
    }

    @Test
    void aWriteInsideAReadScopeFailsWithPostgresOwnStateAndIsNotRetried() throws Exception {
        String note = "write-in-read-scope-" + System.nanoTime();
        try (RouteScope ignored = router.readOnly();
                Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("insert into routing_it (note) values ('" + note + "')"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
        }
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select count(*) from routing_it where note = '" + note + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void aCommittedWriteIsReadableOnTheReplicasOnceReplicated() throws Exception {
        String note = "replicated-" + System.nanoTime();
        router.onPrimary(() -> {
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                return s.executeUpdate("insert into routing_it (note) values ('" + note + "')");
            }
        });
        cluster.awaitReplicated(Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            int count = router.readOnly(() -> {
                try (Connection c = router.getConnection();
                        Statement s = c.createStatement();
                        var rs = s.executeQuery("select count(*) from routing_it where note = '" + note + "'")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(count).isEqualTo(1);
        }
    }

    @Test
    void unusedConnectionsCostNothing() throws SQLException {
        for (int i = 0; i < 1000; i++) {
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                c.setAutoCommit(false);
                c.commit();
            }
        }
        assertThat(router.status().nodes())
                .allSatisfy(n -> assertThat(n.totalRoutes()).isZero());
    }
}
