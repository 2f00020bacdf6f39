package io.pgrouter.samples;

import io.pgrouter.RouteScope;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * pgrouter without Spring: one {@link RoutingDataSource}, and the three ways to say a connection only reads — the
 * JDBC read-only flag, a {@code readOnly()} scope, and a scope with a staleness bound — plus {@code onPrimary()}
 * for a read that must see the caller's own write. Runs on an embedded primary + replica.
 */
public final class PlainJavaSample {

    private PlainJavaSample() {}

    public static void main(String[] args) throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().start();
                RoutingDataSource router = builderFor(cluster).build()) {

            // A connection without read intent goes to the primary: writes are always safe.
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes(id serial PRIMARY KEY, body text)");
                s.execute("INSERT INTO notes(body) VALUES ('hello')");
                System.out.println("write ran on:            " + where(c));
            }
            cluster.awaitReplicated(Duration.ofSeconds(10));

            // 1. The JDBC read-only flag, set before the first statement: a replica.
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                System.out.println("setReadOnly(true) read:  " + where(c));
            }

            // 2. A scope: every connection first used inside it reads from a replica.
            try (RouteScope scope = router.readOnly();
                    Connection c = router.getConnection()) {
                System.out.println("readOnly() scope read:   " + where(c));
            }

            // 3. A bound: only a replica at most 500 ms behind may serve, else the primary does.
            try (RouteScope scope = router.readOnly(Duration.ofMillis(500));
                    Connection c = router.getConnection()) {
                System.out.println("readOnly(500 ms) read:   " + where(c));
            }

            // A read that must see this thread's own write: onPrimary() wins over any read scope around it.
            try (RouteScope read = router.readOnly();
                    RouteScope primary = router.onPrimary();
                    Connection c = router.getConnection()) {
                System.out.println("onPrimary() inside read: " + where(c));
            }

            System.out.println("status: " + router.status().toJson());
        }
    }

    private static RoutingDataSource.Builder builderFor(ReplicaSet cluster) {
        RoutingDataSource.Builder builder =
                RoutingDataSource.builder().primary(cluster.primary().jdbcUrl(), cluster.user(), cluster.password());
        for (PostgresNode replica : cluster.replicas()) {
            builder.replica(replica.name(), replica.jdbcUrl(), cluster.user(), cluster.password());
        }
        return builder;
    }

    private static String where(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END, inet_server_port()")) {
            rs.next();
            return rs.getString(1) + " (port " + rs.getInt(2) + ")";
        }
    }
}
