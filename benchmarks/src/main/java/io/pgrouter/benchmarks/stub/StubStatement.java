package io.pgrouter.benchmarks.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLWarning;

/** A statement whose every query answers one row holding the integer 1. */
final class StubStatement extends RefusingStatement {

    private final Connection connection;
    private boolean closed;
    private int queryTimeout;

    StubStatement(Connection connection) {
        this.connection = connection;
    }

    @Override
    public ResultSet executeQuery(String sql) {
        return new StubResultSet(this);
    }

    @Override
    public boolean execute(String sql) {
        return true;
    }

    @Override
    public int executeUpdate(String sql) {
        return 0;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public void setQueryTimeout(int seconds) {
        this.queryTimeout = seconds;
    }

    @Override
    public int getQueryTimeout() {
        return queryTimeout;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {
        // never any
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
