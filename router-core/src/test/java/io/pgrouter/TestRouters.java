package io.pgrouter;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;

/** Routers over a test kit cluster. */
final class TestRouters {

    private TestRouters() {}

    /** A builder with the cluster's primary and every replica under their kit names. */
    static RoutingDataSource.Builder routerFor(ReplicaSet cluster) {
        RoutingDataSource.Builder builder =
                RoutingDataSource.builder().primary(cluster.primary().jdbcUrl(), cluster.user(), cluster.password());
        for (PostgresNode replica : cluster.replicas()) {
            builder.replica(replica.name(), replica.jdbcUrl(), cluster.user(), cluster.password());
        }
        return builder;
    }

    /** The cluster's system identifier in a token's form (lowercase hex), as the primary tells it. */
    static String systemIdentifier(ReplicaSet cluster) throws java.sql.SQLException {
        try (java.sql.Connection c = cluster.primary().dataSource().getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select system_identifier from pg_control_system()")) {
            rs.next();
            return Long.toHexString(rs.getLong(1));
        }
    }
}
