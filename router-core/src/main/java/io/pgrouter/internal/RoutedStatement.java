package io.pgrouter.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement of a {@link RoutedConnection}. It delegates to the statement of the physical connection, answers
 * {@link #getConnection()} with the routed connection (closing that goes through the router) and wraps the result
 * sets it hands out so that {@link ResultSet#getStatement()} leads back here.
 *
 * <p>The first statement of a read may run once more on another node when its connection broke before anything came
 * back ({@link RoutedConnection#rerouteAfter}). For that, such a statement keeps its creation arguments and the calls
 * made on it ({@code setFetchSize}, parameters, ...) until its first execution; a stream, a large object or a batch
 * cannot be given twice, so setting one gives up the second run.
 *
 * <p>Written out by hand, like the prepared and callable kinds: a dynamic proxy costs a reflective call and an
 * argument array per call, and the router adds at most 100 ns per connection on the read path. Like its connection,
 * meant for one thread at a time ({@link #cancel()} excepted).
 */
class RoutedStatement implements Statement {

    /** A call made on the statement before its first execution, to make again on a fresh one. */
    @FunctionalInterface
    interface Call {
        void applyTo(Statement statement) throws SQLException;
    }

    static final int NOT_GIVEN = -1;

    final RoutedConnection connection;
    Statement delegate;
    /** Whether the statement may still run elsewhere: true from creation until its first execution, if at all. */
    boolean rerunnable;

    private List<Call> calls;
    // Null when none were given, as for most statements: three int fields on every statement cost 8 bytes per
    // statement on the connection path.
    private final ResultSetArguments resultSetArguments;
    // The last result set getResultSet handed out: it answers the same object each time, as drivers do.
    private RoutedResultSet results;
    private boolean closed;

    RoutedStatement(
            RoutedConnection connection,
            Statement delegate,
            boolean rerunnable,
            int resultSetType,
            int resultSetConcurrency,
            int resultSetHoldability) {
        this.connection = connection;
        this.delegate = delegate;
        this.rerunnable = rerunnable;
        this.resultSetArguments = resultSetType == NOT_GIVEN
                ? null
                : new ResultSetArguments(resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    /** The result set type, concurrency and holdability the statement was created with; -1 where not given. */
    private record ResultSetArguments(int type, int concurrency, int holdability) {}

    final int resultSetType() {
        return resultSetArguments == null ? NOT_GIVEN : resultSetArguments.type();
    }

    final int resultSetConcurrency() {
        return resultSetArguments == null ? NOT_GIVEN : resultSetArguments.concurrency();
    }

    final int resultSetHoldability() {
        return resultSetArguments == null ? NOT_GIVEN : resultSetArguments.holdability();
    }

    /** Makes the same statement on {@code physical}: same kind, same creation arguments. */
    Statement createOn(Connection physical) throws SQLException {
        if (resultSetArguments == null) {
            return physical.createStatement();
        }
        ResultSetArguments given = resultSetArguments;
        return given.holdability() == NOT_GIVEN
                ? physical.createStatement(given.type(), given.concurrency())
                : physical.createStatement(given.type(), given.concurrency(), given.holdability());
    }

    final void record(Call call) {
        if (calls == null) {
            calls = new ArrayList<>(4);
        }
        calls.add(call);
    }

    /**
     * Called as an execution starts: whether it may run again elsewhere should its connection break before anything
     * came back (the first statement of the connection, created re-runnable). Recording ends here.
     */
    final boolean startRun() {
        boolean first = connection.startRun();
        boolean mayRerun = rerunnable && first;
        rerunnable = false;
        return mayRerun;
    }

    /**
     * After {@code error} ended an execution: the fresh statement to run it again on, on the node the connection was
     * routed to anew; else throws {@code error}.
     */
    final Statement rerun(boolean mayRerun, SQLException error) throws SQLException {
        if (!mayRerun || !connection.rerouteAfter(error)) {
            throw error;
        }
        Statement fresh;
        try {
            fresh = createOn(connection.physicalForRerun());
            if (calls != null) {
                for (Call call : calls) {
                    call.applyTo(fresh);
                }
            }
        } catch (SQLException | RuntimeException e) {
            error.addSuppressed(e);
            throw error;
        }
        delegate = fresh;
        calls = null;
        results = null;
        return fresh;
    }

    /**
     * The result set of a query, wrapped so that its {@code getStatement()} is this statement; null stays null. Not
     * kept for {@link #getResultSet()}, as HikariCP's statements do not keep theirs. The queries call it in a loop
     * whose second turn is the re-run, rather than in a branch of their own: then the driver's result set and this
     * wrapper each come from one allocation site and nothing outlives the call, so that the JIT can drop them when
     * the caller only reads and closes the result set (two result sets joined from two branches cannot be dropped).
     */
    final ResultSet executed(ResultSet resultSet) {
        return resultSet == null ? null : new RoutedResultSet(this, resultSet);
    }

    /** {@code resultSet} wrapped so that its {@code getStatement()} is this statement; null stays null. */
    final ResultSet results(ResultSet resultSet) {
        if (resultSet == null) {
            return null;
        }
        RoutedResultSet last = results;
        if (last != null && last.delegate == resultSet) {
            return last;
        }
        return results = new RoutedResultSet(this, resultSet);
    }

    @Override
    public void close() throws SQLException {
        if (!closed) {
            closed = true;
            calls = null;
            connection.statementClosed();
        }
        delegate.close();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Unwrapping.unwrap(this, delegate, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return Unwrapping.isWrapperFor(this, delegate, iface);
    }

    @Override
    public String toString() {
        return "RoutedStatement[" + delegate + "]";
    }

    // ---- delegation

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        boolean mayRerun = startRun();
        while (true) {
            try {
                return executed(delegate.executeQuery(sql));
            } catch (SQLException e) {
                rerun(mayRerun, e); // throws e unless the query runs once more, on the fresh delegate
                mayRerun = false;
            }
        }
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        startRun();
        return delegate.executeUpdate(sql);
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        return delegate.getMaxFieldSize();
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        delegate.setMaxFieldSize(max);
        if (rerunnable) {
            record(s -> s.setMaxFieldSize(max));
        }
    }

    @Override
    public int getMaxRows() throws SQLException {
        return delegate.getMaxRows();
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        delegate.setMaxRows(max);
        if (rerunnable) {
            record(s -> s.setMaxRows(max));
        }
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        delegate.setEscapeProcessing(enable);
        if (rerunnable) {
            record(s -> s.setEscapeProcessing(enable));
        }
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        return delegate.getQueryTimeout();
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        delegate.setQueryTimeout(seconds);
        if (rerunnable) {
            record(s -> s.setQueryTimeout(seconds));
        }
    }

    @Override
    public void cancel() throws SQLException {
        delegate.cancel();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        delegate.setCursorName(name);
        if (rerunnable) {
            record(s -> s.setCursorName(name));
        }
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        boolean mayRerun = startRun();
        try {
            return delegate.execute(sql);
        } catch (SQLException e) {
            return rerun(mayRerun, e).execute(sql);
        }
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return results(delegate.getResultSet());
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return delegate.getUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return delegate.getMoreResults();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        delegate.setFetchDirection(direction);
        if (rerunnable) {
            record(s -> s.setFetchDirection(direction));
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        delegate.setFetchSize(rows);
        if (rerunnable) {
            record(s -> s.setFetchSize(rows));
        }
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return delegate.getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return delegate.getResultSetType();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        rerunnable = false; // a batch is a write: never run again
        delegate.addBatch(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
        if (rerunnable) {
            record(s -> s.clearBatch());
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        startRun();
        return delegate.executeBatch();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection;
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        return delegate.getMoreResults(current);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return results(delegate.getGeneratedKeys());
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        startRun();
        return delegate.executeUpdate(sql, autoGeneratedKeys);
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        startRun();
        return delegate.executeUpdate(sql, columnIndexes);
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        startRun();
        return delegate.executeUpdate(sql, columnNames);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        boolean mayRerun = startRun();
        try {
            return delegate.execute(sql, autoGeneratedKeys);
        } catch (SQLException e) {
            return rerun(mayRerun, e).execute(sql, autoGeneratedKeys);
        }
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        boolean mayRerun = startRun();
        try {
            return delegate.execute(sql, columnIndexes);
        } catch (SQLException e) {
            return rerun(mayRerun, e).execute(sql, columnIndexes);
        }
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        boolean mayRerun = startRun();
        try {
            return delegate.execute(sql, columnNames);
        } catch (SQLException e) {
            return rerun(mayRerun, e).execute(sql, columnNames);
        }
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return delegate.getResultSetHoldability();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        delegate.setPoolable(poolable);
        if (rerunnable) {
            record(s -> s.setPoolable(poolable));
        }
    }

    @Override
    public boolean isPoolable() throws SQLException {
        return delegate.isPoolable();
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
        if (rerunnable) {
            record(s -> s.closeOnCompletion());
        }
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        return delegate.isCloseOnCompletion();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return delegate.getLargeUpdateCount();
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        delegate.setLargeMaxRows(max);
        if (rerunnable) {
            record(s -> s.setLargeMaxRows(max));
        }
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        return delegate.getLargeMaxRows();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        startRun();
        return delegate.executeLargeBatch();
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        startRun();
        return delegate.executeLargeUpdate(sql);
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        startRun();
        return delegate.executeLargeUpdate(sql, autoGeneratedKeys);
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        startRun();
        return delegate.executeLargeUpdate(sql, columnIndexes);
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        startRun();
        return delegate.executeLargeUpdate(sql, columnNames);
    }

    @Override
    public String enquoteLiteral(String val) throws SQLException {
        return delegate.enquoteLiteral(val);
    }

    @Override
    public String enquoteIdentifier(String identifier, boolean alwaysQuote) throws SQLException {
        return delegate.enquoteIdentifier(identifier, alwaysQuote);
    }

    @Override
    public boolean isSimpleIdentifier(String identifier) throws SQLException {
        return delegate.isSimpleIdentifier(identifier);
    }

    @Override
    public String enquoteNCharLiteral(String val) throws SQLException {
        return delegate.enquoteNCharLiteral(val);
    }
}
