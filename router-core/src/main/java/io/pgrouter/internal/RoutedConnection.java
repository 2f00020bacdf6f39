package io.pgrouter.internal;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection {@link io.pgrouter.RoutingDataSource#getConnection()} returns: nothing physical until first
 * real use. Settings made before that ({@code setReadOnly}, {@code setAutoCommit}, isolation, schema, ...) are
 * recorded; the first call that needs the server (a statement, metadata, {@code nativeSQL}, a savepoint,
 * {@code unwrap}, ...) decides the node once, borrows from its pool and replays the settings. From then on every
 * call goes to that physical connection: it never switches nodes, so a transaction stays on its node.
 *
 * <p>Before first use, getters answer from the recorded settings or JDBC's defaults ({@code autoCommit} true,
 * isolation read committed, PostgreSQL's default), {@code commit} and {@code rollback} have nothing to do, and
 * {@code isValid} is true while open. Closing a connection that was never used costs nothing.
 *
 * <p>{@code setReadOnly(true)} after the connection is physical only changes the physical connection: it cannot
 * move it to a replica; PostgreSQL then enforces read-only on whatever node it is. Like any JDBC connection it is
 * meant for one thread at a time.
 */
public final class RoutedConnection implements Connection {

    private final ConnectionRouter router;
    private Connection physical;
    private Route route;
    private int slot = HandedOut.UNTRACKED;
    private boolean released;
    private volatile boolean closed;

    // Recorded before first use; null or -1 means "not set".
    private Boolean readOnly;
    private Boolean autoCommit;
    private int isolation = -1;
    private int holdability = -1;
    private String catalog;
    private String schema;
    private Properties clientInfo;
    private Map<String, Class<?>> typeMap;
    private Executor networkTimeoutExecutor;
    private int networkTimeout = -1;

    public RoutedConnection(ConnectionRouter router) {
        this.router = router;
    }

    /** The route taken, or {@code null} before first use. */
    public Route route() {
        return route;
    }

    private Connection physical() throws SQLException {
        Connection c = physical;
        if (c != null) {
            return c;
        }
        if (closed) {
            throw new SQLException("Connection is closed", "08003");
        }
        router.connect(this, Boolean.TRUE.equals(readOnly));
        return physical;
    }

    /** Called by the router with the borrowed connection; replays the recorded settings on it. */
    void attach(Route route, Connection connection, boolean readIntent, int slot) throws SQLException {
        this.route = route;
        this.slot = slot;
        this.physical = connection;
        try {
            // Read intent makes the connection read-only wherever it lands: a write inside a read scope then fails
            // the same way on a primary fallback as on a replica, instead of only when replicas are up.
            if (readIntent || readOnly != null) {
                connection.setReadOnly(readIntent || readOnly);
            }
            if (isolation != -1) {
                connection.setTransactionIsolation(isolation);
            }
            if (holdability != -1) {
                connection.setHoldability(holdability);
            }
            if (catalog != null) {
                connection.setCatalog(catalog);
            }
            // Before autoCommit(false): pgjdbc runs SET for the schema, which would otherwise open the transaction.
            if (schema != null) {
                connection.setSchema(schema);
            }
            if (clientInfo != null) {
                connection.setClientInfo(clientInfo);
            }
            if (typeMap != null) {
                connection.setTypeMap(typeMap);
            }
            if (networkTimeout != -1) {
                connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
            }
            if (autoCommit != null) {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    // ---- calls that need the server: they route on first use

    @Override
    public Statement createStatement() throws SQLException {
        return physical().createStatement();
    }

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        return physical().createStatement(type, concurrency);
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        return physical().createStatement(type, concurrency, holdability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return physical().prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return physical().prepareStatement(sql, type, concurrency);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
            throws SQLException {
        return physical().prepareStatement(sql, type, concurrency, holdability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return physical().prepareStatement(sql, autoGeneratedKeys);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return physical().prepareStatement(sql, columnIndexes);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return physical().prepareStatement(sql, columnNames);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return physical().prepareCall(sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        return physical().prepareCall(sql, type, concurrency);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        return physical().prepareCall(sql, type, concurrency, holdability);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return physical().nativeSQL(sql);
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return physical().getMetaData();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return physical().setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return physical().setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        physical().rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        physical().releaseSavepoint(savepoint);
    }

    @Override
    public Clob createClob() throws SQLException {
        return physical().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return physical().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return physical().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return physical().createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return physical().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return physical().createStruct(typeName, attributes);
    }

    @Override
    public String getCatalog() throws SQLException {
        return physical().getCatalog();
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return physical().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return physical().getClientInfo();
    }

    // ---- transaction control: nothing to do before first use

    @Override
    public void commit() throws SQLException {
        if (physical != null) {
            physical.commit();
        } else {
            checkOpen();
        }
    }

    @Override
    public void rollback() throws SQLException {
        if (physical != null) {
            physical.rollback();
        } else {
            checkOpen();
        }
    }

    // ---- settings: recorded before first use, forwarded after

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        if (physical != null) {
            physical.setAutoCommit(value);
        } else {
            checkOpen();
            autoCommit = value;
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        if (physical != null) {
            return physical.getAutoCommit();
        }
        checkOpen();
        return autoCommit == null || autoCommit;
    }

    @Override
    public void setReadOnly(boolean value) throws SQLException {
        if (physical != null) {
            physical.setReadOnly(value);
        } else {
            checkOpen();
            readOnly = value;
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        if (physical != null) {
            return physical.isReadOnly();
        }
        checkOpen();
        return Boolean.TRUE.equals(readOnly);
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        if (physical != null) {
            physical.setTransactionIsolation(level);
        } else {
            checkOpen();
            isolation = level;
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        if (physical != null) {
            return physical.getTransactionIsolation();
        }
        checkOpen();
        return isolation != -1 ? isolation : TRANSACTION_READ_COMMITTED;
    }

    @Override
    public void setHoldability(int value) throws SQLException {
        if (physical != null) {
            physical.setHoldability(value);
        } else {
            checkOpen();
            holdability = value;
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        if (physical == null && holdability != -1) {
            return holdability;
        }
        return physical().getHoldability();
    }

    @Override
    public void setCatalog(String value) throws SQLException {
        if (physical != null) {
            physical.setCatalog(value);
        } else {
            checkOpen();
            catalog = value;
        }
    }

    @Override
    public void setSchema(String value) throws SQLException {
        if (physical != null) {
            physical.setSchema(value);
        } else {
            checkOpen();
            schema = value;
        }
    }

    @Override
    public String getSchema() throws SQLException {
        if (physical == null && schema != null) {
            return schema;
        }
        return physical().getSchema();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (physical != null) {
            physical.setClientInfo(name, value);
            return;
        }
        if (clientInfo == null) {
            clientInfo = new Properties();
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (physical != null) {
            physical.setClientInfo(properties);
            return;
        }
        clientInfo = new Properties();
        clientInfo.putAll(properties);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        if (physical != null) {
            physical.setTypeMap(map);
        } else {
            checkOpen();
            typeMap = map;
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        if (physical == null && typeMap != null) {
            return typeMap;
        }
        return physical().getTypeMap();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (physical != null) {
            physical.setNetworkTimeout(executor, milliseconds);
            return;
        }
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("network timeout must not be negative, was " + milliseconds, "22023");
        }
        networkTimeoutExecutor = executor;
        networkTimeout = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        if (physical != null) {
            return physical.getNetworkTimeout();
        }
        checkOpen();
        return Math.max(networkTimeout, 0);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        if (physical != null) {
            return physical.getWarnings();
        }
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        if (physical != null) {
            physical.clearWarnings();
        } else {
            checkOpen();
        }
    }

    // ---- life cycle

    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        if (timeoutSeconds < 0) {
            throw new SQLException("timeout must not be negative, was " + timeoutSeconds, "22023");
        }
        if (closed) {
            return false;
        }
        // Nothing physical yet means nothing that can have gone bad: the node is checked when it is borrowed.
        return physical == null || physical.isValid(timeoutSeconds);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        Connection c = physical;
        if (c != null) {
            try {
                c.close();
            } finally {
                route.node().released(this, slot);
            }
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        Connection c = physical;
        if (c == null) {
            return;
        }
        try {
            c.abort(executor);
        } finally {
            // The pool does not see an abort: evict the connection and hand back its slot.
            route.node().evict(c);
            try {
                c.close();
            } catch (SQLException ignored) {
                // Expected: the aborted connection can no longer reset its state; the pool drops it.
            } finally {
                route.node().released(this, slot);
            }
        }
    }

    /** For a connection its node could not track: true the first time only (close racing abort counts once). */
    synchronized boolean markReleased() {
        boolean first = !released;
        released = true;
        return first;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("Connection is closed", "08003");
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return physical().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || physical().isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "RoutedConnection[" + (route == null ? closed ? "closed, never used" : "not yet routed"
                : route.node().name() + " (" + route.reason() + ")" + (closed ? ", closed" : "")) + "]";
    }
}
