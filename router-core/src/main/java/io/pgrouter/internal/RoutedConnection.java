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
import org.slf4j.Logger;

/**
 * The connection {@link io.pgrouter.RoutingDataSource#getConnection()} returns: nothing physical until first
 * real use. Settings made before that ({@code setReadOnly}, {@code setAutoCommit}, isolation, schema, ...) are
 * recorded ({@link RecordedSettings}); the first call that needs the server (a statement, metadata, {@code nativeSQL}, a savepoint,
 * {@code unwrap}, ...) decides the node, borrows from its pool and replays the settings. Inside a transaction it
 * never switches nodes.
 *
 * <p>Two things move it to another physical connection, each time with the settings replayed there:
 * <ul>
 * <li><b>A change of intent between transactions.</b> {@code setReadOnly(false)} on a connection routed for a read to
 * a replica, or {@code setReadOnly(true)} on one routed to the primary for a write (what Spring's transaction managers
 * do at each transaction start on a held connection), gives the physical connection back to its pool; the next call
 * that needs the server routes again. Only when no transaction is open (auto-commit, or nothing ran since the last
 * commit or rollback), no statement is open and the physical connection was never unwrapped; else the flag only goes
 * to the physical connection, as on any JDBC connection.
 * <li><b>A read that broke before it showed anything</b> ({@link #rerouteAfter}).
 * </ul>
 *
 * <p>Statements, metadata and result sets are wrapped so that their {@code getConnection()} (or
 * {@code getStatement().getConnection()}) is this connection: closing that goes through the router.
 *
 * <p>Before first use, getters answer from the recorded settings or JDBC's defaults ({@code autoCommit} true,
 * isolation read committed, PostgreSQL's default), {@code commit} and {@code rollback} have nothing to do, and
 * {@code isValid} is true while open. Closing a connection that was never used costs nothing. Like any JDBC
 * connection it is meant for one thread at a time.
 */
public final class RoutedConnection implements Connection {

    private static final Logger LOG = RouterLog.LOG;

    /** Changes only when a cutover hands this connection, not yet on a node, to the new cluster's router. */
    private ConnectionRouter router;

    private RecordedSettings settings = RecordedSettings.NONE;
    private Connection physical;
    private Route route;
    private int slot = HandedOut.UNTRACKED;
    private boolean released;
    private volatile boolean closed;
    // What the physical connection is for and what happened on it; reset when it gets another one.
    private RouteRequest request;
    private boolean readIntent;
    private boolean ran;
    private boolean inTransaction;
    private volatile boolean cut;
    // Statements handed out and not closed, on any physical connection; none may be open for a move.
    private int openStatements;
    // unwrap handed out a driver object: the caller may hold the physical connection, which must then stay put.
    private boolean pinned;
    /** Read-your-writes: the request whose causal session learns this connection's commits; null for none. */
    private RouteRequest capturing;
    /** Monotonic reads: the request whose causal session learns how far this read's node had got; null for none. */
    private RouteRequest observing;
    /** Whether the server may have been used since the last capture or observation (statements, metadata, ...). */
    private boolean usedSinceCapture;

    public RoutedConnection(ConnectionRouter router) {
        this.router = router;
    }

    /** Called by the router when a cutover hands its connections over to another (see {@link ConnectionRouter#handOver}). */
    void handOver(ConnectionRouter next) {
        router = next;
    }

    /** The route of the physical connection, or {@code null} while it has none (before first use, after a move). */
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

    /** Called by the router for a read of a causal session with monotonic reads: the session learns what it read. */
    void observeFor(RouteRequest request) {
        observing = request;
    }

    /**
     * Before a read connection of a session with monotonic reads closes or moves: tells the session how far its node
     * had got ({@code c} {@code null}: the node cannot be asked, and the session falls back to the primary's next
     * probe), unless the server was not used since the last time.
     */
    private void observeIfUsed(Connection c) {
        if (observing != null && usedSinceCapture) {
            usedSinceCapture = false;
            router.readFinished(observing, c, route.node());
        }
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
    void attach(Route route, Connection connection, RouteRequest request, int slot) throws SQLException {
        this.route = route;
        this.slot = slot;
        this.physical = connection;
        this.request = request;
        this.readIntent = request.readIntent();
        this.ran = false;
        this.inTransaction = false;
        // Written even when false: the volatile write is also the fence that keeps the store of physical above from
        // passing the read of closed below, so that an abort racing the hand-out sees the one or this sees the other.
        this.cut = false;
        if (closed) {
            // Aborted by another thread while being handed out: that abort found nothing physical to cut.
            try {
                abortAndDrop(connection, Runnable::run);
            } finally {
                route.node().released(this, slot);
            }
            throw new SQLException(
                    "Connection aborted while it was handed out: node '"
                            + route.node().name() + "' stopped answering",
                    "08006");
        }
        try {
            settings.replayOn(connection, readIntent);
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    // ---- statements: wrapped so that they lead back here and, for the first of a read, may run again elsewhere

    /** Whether a statement created now may run again elsewhere if its connection breaks (see {@link #rerouteAfter}). */
    private boolean rerunnable() {
        return readIntent && !ran && !pinned && router.retryReads();
    }

    @Override
    public Statement createStatement() throws SQLException {
        Statement s = physical().createStatement();
        openStatements++;
        return new RoutedStatement(
                this, s, rerunnable(), RoutedStatement.NOT_GIVEN, RoutedStatement.NOT_GIVEN, RoutedStatement.NOT_GIVEN);
    }

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        Statement s = physical().createStatement(type, concurrency);
        openStatements++;
        return new RoutedStatement(this, s, rerunnable(), type, concurrency, RoutedStatement.NOT_GIVEN);
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        Statement s = physical().createStatement(type, concurrency, holdability);
        openStatements++;
        return new RoutedStatement(this, s, rerunnable(), type, concurrency, holdability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepared(sql, RoutedStatement.NOT_GIVEN, RoutedStatement.NOT_GIVEN, RoutedStatement.NOT_GIVEN, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return prepared(sql, type, concurrency, RoutedStatement.NOT_GIVEN, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
            throws SQLException {
        return prepared(sql, type, concurrency, holdability, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepared(
                sql,
                RoutedStatement.NOT_GIVEN,
                RoutedStatement.NOT_GIVEN,
                RoutedStatement.NOT_GIVEN,
                autoGeneratedKeys);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepared(
                sql,
                RoutedStatement.NOT_GIVEN,
                RoutedStatement.NOT_GIVEN,
                RoutedStatement.NOT_GIVEN,
                columnIndexes == null ? null : columnIndexes.clone());
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepared(
                sql,
                RoutedStatement.NOT_GIVEN,
                RoutedStatement.NOT_GIVEN,
                RoutedStatement.NOT_GIVEN,
                columnNames == null ? null : columnNames.clone());
    }

    private PreparedStatement prepared(String sql, int type, int concurrency, int holdability, Object keys)
            throws SQLException {
        PreparedStatement s = RoutedPreparedStatement.prepareOn(physical(), sql, type, concurrency, holdability, keys);
        openStatements++;
        return new RoutedPreparedStatement(this, s, rerunnable(), sql, type, concurrency, holdability, keys);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        CallableStatement s = physical().prepareCall(sql);
        openStatements++;
        return new RoutedCallableStatement(
                this, s, sql, RoutedStatement.NOT_GIVEN, RoutedStatement.NOT_GIVEN, RoutedStatement.NOT_GIVEN);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        CallableStatement s = physical().prepareCall(sql, type, concurrency);
        openStatements++;
        return new RoutedCallableStatement(this, s, sql, type, concurrency, RoutedStatement.NOT_GIVEN);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        CallableStatement s = physical().prepareCall(sql, type, concurrency, holdability);
        openStatements++;
        return new RoutedCallableStatement(this, s, sql, type, concurrency, holdability);
    }

    /** A statement of this connection starts to run: whether it is the first on the physical connection. */
    boolean startRun() {
        boolean first = !ran;
        ran = true;
        if (!settings.autoCommit()) {
            inTransaction = true;
        }
        return first;
    }

    void statementClosed() {
        openStatements--;
    }

    /**
     * The first statement on this connection's physical connection failed with {@code error}. When the error says the
     * connection broke (SQLSTATE class 08, 57P01 to 57P03, or the monitor cut the connection), the connection has
     * read intent, nothing can have been written (the node is a replica, or the transaction is read-only), the
     * statement is the only one open and re-runs are on, gives the broken connection back to its pool (evicted) and
     * routes again, excluding the node that failed: the caller then runs the statement once more. Nothing of the
     * first run can have reached the application: it is the first statement and it returned nothing.
     *
     * @return false when the statement may not run again (the caller throws {@code error})
     * @throws SQLException {@code error}, with the reason as a suppressed exception, when no node could take the read
     */
    boolean rerouteAfter(SQLException error) throws SQLException {
        Route failed = route;
        if (failed == null
                || closed
                || !readIntent
                || pinned
                || openStatements != 1
                || !router.retryReads()
                || !brokenConnection(error)
                || !(failed.reason().toReplica() || !settings.autoCommit())) {
            return false;
        }
        giveBack(true);
        try {
            router.connectAgain(this, request, failed.node(), error);
        } catch (SQLException | RuntimeException e) {
            error.addSuppressed(e);
            throw error;
        }
        startRun();
        return true;
    }

    private boolean brokenConnection(SQLException error) {
        if (cut) {
            return true;
        }
        String state = error.getSQLState();
        return state != null
                && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    /** The physical connection after {@link #rerouteAfter} attached a new one. */
    Connection physicalForRerun() {
        return physical;
    }

    /** Gives the physical connection back to its pool (evicted: it broke) and forgets it: the next use routes again. */
    private void giveBack(boolean evict) throws SQLException {
        Connection c = physical;
        if (!evict && capturing != null && autoCommit(c)) {
            captureIfUsed(c); // what it wrote in auto-commit counts for the session before it moves
        }
        observeIfUsed(evict ? null : c);
        capturing = null;
        observing = null;
        Route r = route;
        int s = slot;
        physical = null;
        route = null;
        slot = HandedOut.UNTRACKED;
        try {
            if (evict) {
                r.node().evict(c);
            }
            c.close();
        } catch (SQLException e) {
            if (!evict) {
                throw e;
            }
            // A broken connection may fail to reset its state; its pool drops it all the same.
        } finally {
            r.node().released(this, s);
            synchronized (this) {
                released = false;
            }
        }
    }

    // ---- calls that need the server: they route on first use

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return physical().nativeSQL(sql);
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        DatabaseMetaData metaData = physical().getMetaData();
        // Its queries run on the physical connection, out of sight: count them as statements.
        startRun();
        return new RoutedMetaData(this, metaData);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        Savepoint savepoint = physical().setSavepoint();
        startRun();
        return savepoint;
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        Savepoint savepoint = physical().setSavepoint(name);
        startRun();
        return savepoint;
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
            inTransaction = false;
            captureIfUsed(physical);
        } else {
            checkOpen();
        }
    }

    @Override
    public void rollback() throws SQLException {
        if (physical != null) {
            physical.rollback();
            inTransaction = false;
        } else {
            checkOpen();
        }
    }

    // ---- settings: recorded (to replay on the next physical connection) and forwarded to the current one

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        if (physical != null) {
            physical.setAutoCommit(value);
            if (value) {
                // JDBC: switching auto-commit on commits the open transaction.
                inTransaction = false;
            }
        } else {
            checkOpen();
        }
        settings = settings.withAutoCommit(value);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        if (physical != null) {
            return physical.getAutoCommit();
        }
        checkOpen();
        return settings.autoCommit();
    }

    /**
     * Records the flag; on a connection already on a node, moves it when its intent changes between transactions
     * (see the class description), else sets the flag on the physical connection.
     */
    @Override
    public void setReadOnly(boolean value) throws SQLException {
        if (physical == null) {
            checkOpen();
        } else if (movesFor(value)) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} connection on '{}' ({}) set read-only {} between transactions: back to its pool, routed again"
                                + " at next use",
                        request,
                        route.node().name(),
                        route.reason(),
                        value);
            }
            giveBack(false);
        } else {
            physical.setReadOnly(value);
            if (!value) {
                // Writable now: a statement that broke may have written, so it never runs again.
                readIntent = false;
            }
        }
        settings = settings.withReadOnly(value);
    }

    /** Whether setting read-only to {@code value} moves the connection to another node now. */
    private boolean movesFor(boolean value) {
        RouteRequest next = router.scopes().request(value);
        if (next.readIntent() == request.readIntent() && next.forcedPrimary() == request.forcedPrimary()) {
            return false;
        }
        // A read that fell back to the primary is already where a write must go.
        boolean onPrimaryNow = router.topology().current().primary().node() == route.node();
        if (!next.readIntent() && onPrimaryNow) {
            return false;
        }
        if (inTransaction || openStatements > 0 || pinned) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} connection on '{}' set read-only {} but stays: {}",
                        request,
                        route.node().name(),
                        value,
                        inTransaction
                                ? "a transaction is open"
                                : openStatements > 0
                                        ? openStatements + " statement(s) open"
                                        : "unwrapped to the driver's connection");
            }
            return false;
        }
        return true;
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
        }
        settings = settings.withIsolation(level);
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
        }
        settings = settings.withHoldability(value);
    }

    @Override
    public int getHoldability() throws SQLException {
        if (physical == null && settings.holdability() != -1) {
            checkOpen();
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
        }
        settings = settings.withCatalog(value);
    }

    @Override
    public void setSchema(String value) throws SQLException {
        if (physical != null) {
            physical.setSchema(value);
        } else {
            checkOpen();
        }
        settings = settings.withSchema(value);
    }

    @Override
    public String getSchema() throws SQLException {
        if (physical == null && settings.schema() != null) {
            checkOpen();
            return settings.schema();
        }
        return physical().getSchema();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (physical != null) {
            physical.setClientInfo(name, value);
        }
        settings = settings.withClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (physical != null) {
            physical.setClientInfo(properties);
        }
        settings = settings.withClientInfo(properties);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        if (physical != null) {
            physical.setTypeMap(map);
        } else {
            checkOpen();
        }
        settings = settings.withTypeMap(map);
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        if (physical == null && settings.typeMap() != null) {
            checkOpen();
            return settings.typeMap();
        }
        return physical().getTypeMap();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (physical != null) {
            physical.setNetworkTimeout(executor, milliseconds);
        } else {
            checkOpen();
        }
        settings = settings.withNetworkTimeout(executor, milliseconds);
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
        Connection c = physical;
        return c == null || c.isValid(timeoutSeconds);
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
                if (cut) {
                    // The monitor aborted it already: nothing to reset. HikariCP drops it when its reset fails; the
                    // eviction after the close makes sure, and finds nothing to do when HikariCP dropped it.
                    observeIfUsed(null);
                    closeAborted(c);
                    route.node().evict(c);
                } else if (route.node().unresponsive()) {
                    // HikariCP rolls back and resets a connection on return: on a node that stopped answering that
                    // would block until TCP gives up. Cut it instead; the pool drops it.
                    observeIfUsed(null);
                    abortAndDrop(c, Runnable::run);
                } else {
                    if (capturing != null && autoCommit(c)) {
                        captureIfUsed(c);
                    }
                    observeIfUsed(c);
                    try {
                        c.close();
                    } catch (SQLException e) {
                        if (!cut) {
                            throw e;
                        }
                        // The monitor cut it while the close waited on its silent node: closed.
                    } finally {
                        if (cut) {
                            route.node().evict(c); // also when the cut came as the close ended: the pool drops it
                        }
                    }
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
            abortAndDrop(c, executor);
        } finally {
            route.node().released(this, slot);
        }
    }

    /**
     * Aborts {@code c} and hands it back to its pool, which drops it: evicted first, so that HikariCP's close does
     * not report the aborted connection's failure to reset.
     */
    private void abortAndDrop(Connection c, Executor executor) throws SQLException {
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

    /**
     * The monitor's cut, for a node that stopped answering: aborts the physical connection so that a statement
     * blocked on it fails now, and has its pool drop it. Unlike {@link #abort}, the routed connection stays open for
     * its owner: a read that had shown nothing runs again elsewhere ({@link #rerouteAfter}); anything else fails as
     * on any broken connection, and the owner's {@code close()} hands back the slot.
     *
     * @return false when there was nothing to cut (closed, not on a node, or cut already)
     */
    boolean cut(Executor executor) throws SQLException {
        Connection c = physical;
        Route r = route;
        if (c == null || r == null || cut || closed && c.isClosed()) {
            return false;
        }
        // Also when its owner is closing it: HikariCP rolls back and resets a connection on return, and on a node that
        // stopped answering that close would block until TCP gives up; cut under it, the close then finishes.
        // Not evicted here: the owner may be inside a statement or a close, whose failure makes HikariCP drop the
        // connection itself; an eviction now would close the pool's entry a second time (HikariCP warns "Attempt to
        // remove an object from the bag that was not borrowed or reserved"). The owner's close evicts it after.
        cut = true;
        c.abort(executor);
        return true;
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

    /**
     * This connection for its own types; else the driver's object, from the physical connection (routing it if
     * needed): {@code unwrap(PGConnection.class)} for COPY and LISTEN/NOTIFY. The caller may then hold the physical
     * connection, so from then on this connection never moves.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        T inner = physical().unwrap(iface);
        pinned = true;
        return inner;
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || physical().isWrapperFor(iface);
    }

    @Override
    public String toString() {
        Route r = route;
        return "RoutedConnection["
                + (r == null
                        ? closed ? "closed" : "not on a node"
                        : r.node().name() + " (" + r.reason() + ")" + (closed ? ", closed" : ""))
                + "]";
    }
}
