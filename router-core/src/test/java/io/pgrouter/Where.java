package io.pgrouter;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a session runs, asked of the server inside the session itself.
 *
 * @param inRecovery whether the server is a standby
 * @param port the server's port
 * @param backendPid the session's backend process
 */
record Where(boolean inRecovery, int port, int backendPid) {

    static Where of(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select pg_is_in_recovery(), inet_server_port(), pg_backend_pid()")) {
            rs.next();
            return new Where(rs.getBoolean(1), rs.getInt(2), rs.getInt(3));
        }
    }

    /** The name of the node with this port. */
    String node(ReplicaSet cluster) {
        return cluster.nodes().stream().filter(n -> n.port() == port).map(PostgresNode::name).findFirst()
                .orElse("unknown port " + port);
    }

    /** A builder with the cluster's primary and every replica under their kit names. */
    static RoutingDataSource.Builder routerFor(ReplicaSet cluster) {
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(cluster.primary().jdbcUrl(), cluster.user(), cluster.password());
        for (PostgresNode replica : cluster.replicas()) {
            builder.replica(replica.name(), replica.jdbcUrl(), cluster.user(), cluster.password());
        }
        return builder;
    }
}
