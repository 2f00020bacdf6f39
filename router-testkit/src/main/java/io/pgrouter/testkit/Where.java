package io.pgrouter.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a session runs, asked of the server inside the session itself: for tests that check which node a
 * connection (from a router, a pool, ...) landed on.
 *
 * <pre>{@code
 * try (Connection c = router.getConnection()) {
 *     c.setReadOnly(true);
 *     Where where = Where.of(c);
 *     assertThat(where.inRecovery()).isTrue();
 *     assertThat(where.node(cluster)).isEqualTo("replica-1");
 * }
 * }</pre>
 *
 * @param inRecovery whether the server is a standby ({@code pg_is_in_recovery()})
 * @param port the server's port ({@code inet_server_port()})
 * @param backendPid the session's backend process ({@code pg_backend_pid()})
 */
public record Where(boolean inRecovery, int port, int backendPid) {

    /**
     * The query that tells, for frameworks that run SQL themselves (a {@code JdbcTemplate}, JPA): columns
     * {@code pg_is_in_recovery()}, {@code inet_server_port()}, {@code pg_backend_pid()}; read a row with {@link #from}.
     */
    public static final String QUERY = "select pg_is_in_recovery(), inet_server_port(), pg_backend_pid()";

    /** Asks the server behind {@code connection}; runs one query on it. */
    public static Where of(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(QUERY)) {
            rs.next();
            return from(rs);
        }
    }

    /** The answer in the current row of a result of {@link #QUERY}. */
    public static Where from(ResultSet row) throws SQLException {
        return new Where(row.getBoolean(1), row.getInt(2), row.getInt(3));
    }

    /** The answer in a row of {@link #QUERY} as JPA's native queries return it. */
    public static Where from(Object[] row) {
        return new Where((Boolean) row[0], ((Number) row[1]).intValue(), ((Number) row[2]).intValue());
    }

    /** The name of the node of {@code cluster} with this port, or {@code "unknown port <port>"}. */
    public String node(ReplicaSet cluster) {
        return cluster.nodes().stream()
                .filter(n -> n.port() == port)
                .map(PostgresNode::name)
                .findFirst()
                .orElse("unknown port " + port);
    }
}
