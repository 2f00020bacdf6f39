package io.pgrouter.internal.switchover;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.PgjdbcProperties;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.replication.LogSequenceNumber;

/**
 * A connection of its own to one node, with the node's configured credentials, for the switchover's statements:
 * never one from the application's pools (those are held or fenced). Each statement has a timeout that cancels it
 * on the server; connect and socket timeouts bound the rest.
 */
public final class NodeSession implements AutoCloseable {

    /** What the switchover's sessions call themselves; the fence spares them, as it spares the probes. */
    public static final String APPLICATION_NAME = "pgrouter-switchover";

    /**
     * Each statement's bound: generous, since every wait of the switchover has its own deadline and a statement cut
     * short (a fence half done) costs more than a late one.
     */
    private static final int STATEMENT_SECONDS = 5;

    private final String node;
    private final Connection connection;
    private final int statementSeconds;

    private NodeSession(String node, Connection connection, int statementSeconds) {
        this.node = node;
        this.connection = connection;
        this.statementSeconds = statementSeconds;
    }

    /** Opens a session to {@code node}; the message of a failure names the node. */
    public static NodeSession open(NodeConfig node, Duration timeout) throws SQLException {
        Properties p = properties(node, timeout);
        try {
            Connection c = new Driver().connect(node.jdbcUrl(), p);
            if (c == null) {
                throw new SQLException("not a PostgreSQL JDBC URL");
            }
            c.setAutoCommit(true);
            NodeSession session = new NodeSession(node.name(), c, STATEMENT_SECONDS);
            // This session must keep writing settings once the fence makes read-only the default.
            session.execute("SET default_transaction_read_only = off");
            // Before PostgreSQL 17, ALTER SYSTEM takes a custom setting only when the session knows it: setting it
            // here makes the placeholder, so that the announcement can be written and withdrawn on 15 and 16 too.
            session.execute("SET " + io.pgrouter.internal.health.SwitchoverSignal.SETTING + " = ''");
            // The placeholder stays; the session's own value must not hide the configured one from current_setting.
            session.execute("RESET " + io.pgrouter.internal.health.SwitchoverSignal.SETTING);
            return session;
        } catch (SQLException e) {
            throw new SQLException("cannot connect to '" + node.name() + "': " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static Properties properties(NodeConfig node, Duration timeout) {
        // The socket timeout is a backstop for the statement timeouts.
        Properties p = PgjdbcProperties.ownSession(
                node.connectionProperties(), APPLICATION_NAME, timeout, PgjdbcProperties.seconds(timeout) * 2L + 1);
        p.setProperty("prepareThreshold", "0");
        return p;
    }

    String node() {
        return node;
    }

    /** The session's connection, for code that takes a JDBC connection; in auto-commit mode, not to be closed. */
    public Connection connection() {
        return connection;
    }

    public void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(statementSeconds);
            s.execute(sql);
        } catch (SQLException e) {
            throw named(e);
        }
    }

    /** The first column of the first row as text, {@code null} when NULL; parameters are bound as text. */
    public String queryString(String sql, String... params) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setQueryTimeout(statementSeconds);
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw named(e);
        }
    }

    /** One row, every column as text. */
    public String[] queryRow(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(statementSeconds);
            try (ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                String[] row = new String[n];
                if (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                }
                return row;
            }
        } catch (SQLException e) {
            throw named(e);
        }
    }

    /**
     * How many notifications with this payload arrived on {@code channel} since the last call (for a channel this
     * session listens on); reads what the server sent without waiting.
     */
    int notices(String channel, String payload) throws SQLException {
        try {
            org.postgresql.PGNotification[] received =
                    connection.unwrap(org.postgresql.PGConnection.class).getNotifications();
            int n = 0;
            if (received != null) {
                for (org.postgresql.PGNotification r : received) {
                    if (r.getName().equals(channel) && payload.equals(r.getParameter())) {
                        n++;
                    }
                }
            }
            return n;
        } catch (SQLException e) {
            throw named(e);
        }
    }

    private SQLException named(SQLException e) {
        return new SQLException("on '" + node + "': " + e.getMessage(), e.getSQLState(), e);
    }

    /** A {@code pg_lsn} as text to its byte position; -1 for {@code null}. */
    static long lsn(String text) {
        return text == null ? -1 : LogSequenceNumber.valueOf(text).asLong();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the session is gone either way
        }
    }
}
