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
 * recorded ({@link RecordedSettings}); the first call that needs the server (a statement, metadata, {@code nativeSQL}, a savepoint,
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
    private final RecordedSettings settings = new RecordedSettings();
    private Connection physical;
    private Route route;
    private int slot = HandedOut.UNTRACKED;
    private boolean released;
    private volatile boolean closed;
    /** Read-your-writes: the request whose causal session learns this connection's commits; null for none. */
    private RouteRequest capturing;
    /** Whether the server may have been used since the last capture (statements, metadata, ...). */
    private boolean usedSinceCapture;

    public RoutedConnection(ConnectionRouter router) {
        this.router = router;
    }

    /** The route taken, or {@code null} before first use. */
    public Route route() {
        return route;
    }

    private Connection physical() throws SQLException {
        Connection c = physical;
        usedSinceCapture = true;
        if (c != null) {
            return c;
        }
        if (closed) {
            throw new SQLException("Connection is closed", "08003");
        }
        router.connect(this, settings.readOnly());
        return physical;
    }

    /** Called by the router for a connection of a causal session on the primary: its commits advance the session. */
    void captureFor(RouteRequest request) {
        capturing = request;
    }

    /**
     * After a commit, or before the close of a connection in auto-commit mode: tells the session where the primary
     * is, unless nothing used the server since the last time (a connection that ran nothing costs nothing).
     */
    private void captureIfUsed(Connection c) {
        if (capturing != null && usedSinceCapture) {
            usedSinceCapture = false;
            router.committed(capturing, c, route.node());
        }
    }

    private static boolean autoCommit(Connection c) {
        try {
            return c.getAutoCommit();
        } catch (SQLException e) {
            return false;
        }
    }

    /** Called by the router with the borrowed connection; replays the recorded settings on it. */
    void attach(Route route, Connection connection, boolean readIntent, int slot) throws SQLException {
        this.route = route;
        this.slot = slot;
        this.physical = connection;
        if (closed) {
            // Aborted while being handed out (its node stopped answering): the abort found nothing physical to cut.
            try {
                cut(connection, Runnable::run);
            } finally {
                route.node().released(this, slot);
            }
            throw new SQLException("Connection aborted while it was handed out: node '" + route.node().name()
                    + "' stopped answering", "08006");
        }
        try {
            settings.replayOn(connection, readIntent);
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
            captureIfUsed(physical);
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
            settings.autoCommit(value);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        if (physical != null) {
            return physical.getAutoCommit();
        }
        checkOpen();
        return settings.autoCommit();
    }

    @Override
    public void setReadOnly(boolean value) throws SQLException {
        if (physical != null) {
            physical.setReadOnly(value);
        } else {
            checkOpen();
            settings.readOnly(value);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        if (physical != null) {
            return physical.isReadOnly();
        }
        checkOpen();
        return settings.readOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        if (physical != null) {
            physical.setTransactionIsolation(level);
        } else {
            checkOpen();
            settings.isolation(level);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        if (physical != null) {
            return physical.getTransactionIsolation();
        }
        checkOpen();
        return settings.isolation();
    }

    @Override
    public void setHoldability(int value) throws SQLException {
        if (physical != null) {
            physical.setHoldability(value);
        } else {
            checkOpen();
            settings.holdability(value);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        if (physical == null && settings.holdability() != -1) {
            return settings.holdability();
        }
        return physical().getHoldability();
    }

    @Override
    public void setCatalog(String value) throws SQLException {
        if (physical != null) {
            physical.setCatalog(value);
        } else {
            checkOpen();
            settings.catalog(value);
        }
    }

    @Override
    public void setSchema(String value) throws SQLException {
        if (physical != null) {
            physical.setSchema(value);
        } else {
            checkOpen();
            settings.schema(value);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        if (physical == null && settings.schema() != null) {
            return settings.schema();
        }
        return physical().getSchema();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (physical != null) {
            physical.setClientInfo(name, value);
            return;
        }
        settings.clientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (physical != null) {
            physical.setClientInfo(properties);
            return;
        }
        settings.clientInfo(properties);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        if (physical != null) {
            physical.setTypeMap(map);
        } else {
            checkOpen();
            settings.typeMap(map);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        if (physical == null && settings.typeMap() != null) {
            return settings.typeMap();
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
        settings.networkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        if (physical != null) {
            return physical.getNetworkTimeout();
        }
        checkOpen();
        return settings.networkTimeout();
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
                if (route.node().unresponsive()) {
                    // HikariCP rolls back and resets a connection on return: on a node that stopped answering that
                    // would block until TCP gives up. Cut it instead; the pool drops it.
                    cut(c, Runnable::run);
                } else {
                    if (capturing != null && autoCommit(c)) {
                        captureIfUsed(c);
                    }
                    c.close();
                }
            } finally {
                route.node().released(this, slot);
            }
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        boolean closing = closed;
        closed = true;
        Connection c = physical;
        if (c == null || closing && c.isClosed()) {
            return;
        }
        if (closing) {
            // A close in progress may be blocked on the server (HikariCP rolls back and resets on return): cut the
            // socket under it. The closing thread then finishes the close and hands back the slot.
            route.node().evict(c);
            c.abort(executor);
            return;
        }
        try {
            cut(c, executor);
        } finally {
            route.node().released(this, slot);
        }
    }

    /**
     * Aborts {@code c} and hands it back to its pool, which drops it: evicted first, so that HikariCP's close does
     * not report the aborted connection's failure to reset.
     */
    private void cut(Connection c, Executor executor) throws SQLException {
        try {
            route.node().evict(c);
            c.abort(executor);
        } finally {
            closeAborted(c);
        }
    }

    private void closeAborted(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // Expected: the aborted connection can no longer reset its state. HikariCP may even fail with a
            // NullPointerException when the eviction already released the physical connection; its close hands the
            // entry back in a finally block either way, and the pool drops the evicted entry.
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
