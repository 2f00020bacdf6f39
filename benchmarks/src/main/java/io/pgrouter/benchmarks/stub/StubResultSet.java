package io.pgrouter.benchmarks.stub;

import java.sql.Statement;

/** One row, one column, the integer 1: what {@code SELECT 1} returns. */
final class StubResultSet extends RefusingResultSet {

    private final Statement statement;
    private int row;
    private boolean closed;

    StubResultSet(Statement statement) {
        this.statement = statement;
    }

    @Override
    public boolean next() {
        return ++row == 1;
    }

    @Override
    public int getInt(int columnIndex) {
        return 1;
    }

    @Override
    public boolean wasNull() {
        return false;
    }

    @Override
    public Statement getStatement() {
        return statement;
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
