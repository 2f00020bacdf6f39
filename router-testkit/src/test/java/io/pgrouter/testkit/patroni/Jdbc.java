package io.pgrouter.testkit.patroni;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One-statement JDBC calls as a cluster's superuser, for the Patroni tests. */
final class Jdbc {

    private Jdbc() {}

    /** The first column of the first row, or {@code null}. */
    static String query(PatroniCluster cluster, String jdbcUrl, String sql) throws SQLException {
        try (Connection c = connect(cluster, jdbcUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(PatroniCluster cluster, String jdbcUrl, String sql) throws SQLException {
        try (Connection c = connect(cluster, jdbcUrl);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static Connection connect(PatroniCluster cluster, String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, cluster.user(), cluster.password());
    }
}
