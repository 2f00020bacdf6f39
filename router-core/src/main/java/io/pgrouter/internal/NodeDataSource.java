package io.pgrouter.internal;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.Secrets;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * What a node's HikariCP pool opens connections through: pgjdbc with the node's URL, login and properties. Handed
 * to HikariCP as a data source rather than as a URL with data source properties, because HikariCP logs its
 * configuration at DEBUG and masks only a property named {@code password} there: {@code sslpassword} (the client
 * key's password) would be printed. This class's {@link #toString()} shows no secret.
 */
final class NodeDataSource implements DataSource {

    private final NodeConfig node;
    private final Properties properties;
    private volatile int loginTimeoutSeconds;
    // Every connection opened here and not seen closed yet: the pool's idle ones, those in use, and those a borrower
    // is validating. A thread blocked in a socket read on a silent server ignores interrupts; only closing the socket
    // (Connection.abort) ends its wait, and the pool gives no other handle on a connection it is validating.
    private final Set<Connection> opened = ConcurrentHashMap.newKeySet();

    NodeDataSource(NodeConfig node) {
        this.node = node;
        this.properties = node.connectionProperties();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties connect = properties;
        int timeout = loginTimeoutSeconds;
        if (timeout > 0 && !properties.containsKey("loginTimeout")) {
            connect = new Properties();
            connect.putAll(properties);
            connect.setProperty("loginTimeout", Integer.toString(timeout));
        }
        Connection c = driver().connect(node.jdbcUrl(), connect);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + Secrets.maskUrl(node.jdbcUrl()), "08001");
        }
        // The pool closes connections without telling this class: forget those here, a few per new connection.
        opened.removeIf(NodeDataSource::closed);
        opened.add(c);
        return c;
    }

    /**
     * Aborts every connection opened here that is still open ({@link Connection#abort}: pgjdbc closes the socket
     * without waiting for a lock or the server), so that no thread stays blocked on the node: not a statement, not a
     * close, not the pool's validation of an idle connection.
     *
     * @return how many were aborted
     */
    int abortOpened(Executor executor) {
        int aborted = 0;
        for (Connection c : opened) {
            opened.remove(c);
            try {
                if (!c.isClosed()) {
                    c.abort(executor);
                    aborted++;
                }
            } catch (SQLException | RuntimeException e) {
                // closed meanwhile: nothing left to cut
            }
        }
        return aborted;
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * The driver registered for the node's URL, as HikariCP itself would find it from a JDBC URL (so that a driver
     * wrapper or a test driver registered for the URL is used); pgjdbc where none is registered, as on a module path
     * without service loading.
     */
    private java.sql.Driver driver() {
        try {
            return java.sql.DriverManager.getDriver(node.jdbcUrl());
        } catch (SQLException notRegistered) {
            return new Driver();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the node's login is part of its configuration");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgjdbc logs through java.util.logging
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "NodeDataSource[" + node + "]";
    }
}
