package io.pgrouter.benchmarks.stub;

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
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection whose every method refuses; {@link StubConnection} overrides what a pool and the benchmarks call, so that a call nobody expected fails loudly instead of quietly costing nothing.
 */
abstract class RefusingConnection implements Connection {

    static SQLException refused(String method) {
        return new SQLFeatureNotSupportedException("the benchmark stub does not do Connection." + method);
    }

    @Override
    public Statement createStatement() throws SQLException {
        throw refused("createStatement");
    }

    @Override
    public PreparedStatement prepareStatement(String p0) throws SQLException {
        throw refused("prepareStatement");
    }

    @Override
    public CallableStatement prepareCall(String p0) throws SQLException {
        throw refused("prepareCall");
    }

    @Override
    public String nativeSQL(String p0) throws SQLException {
        throw refused("nativeSQL");
    }

    @Override
    public void setAutoCommit(boolean p0) throws SQLException {
        throw refused("setAutoCommit");
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        throw refused("getAutoCommit");
    }

    @Override
    public void commit() throws SQLException {
        throw refused("commit");
    }

    @Override
    public void rollback() throws SQLException {
        throw refused("rollback");
    }

    @Override
    public void close() throws SQLException {
        throw refused("close");
    }

    @Override
    public boolean isClosed() throws SQLException {
        throw refused("isClosed");
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        throw refused("getMetaData");
    }

    @Override
    public void setReadOnly(boolean p0) throws SQLException {
        throw refused("setReadOnly");
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        throw refused("isReadOnly");
    }

    @Override
    public void setCatalog(String p0) throws SQLException {
        throw refused("setCatalog");
    }

    @Override
    public String getCatalog() throws SQLException {
        throw refused("getCatalog");
    }

    @Override
    public void setTransactionIsolation(int p0) throws SQLException {
        throw refused("setTransactionIsolation");
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        throw refused("getTransactionIsolation");
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        throw refused("getWarnings");
    }

    @Override
    public void clearWarnings() throws SQLException {
        throw refused("clearWarnings");
    }

    @Override
    public Statement createStatement(int p0, int p1) throws SQLException {
        throw refused("createStatement");
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int p1, int p2) throws SQLException {
        throw refused("prepareStatement");
    }

    @Override
    public CallableStatement prepareCall(String p0, int p1, int p2) throws SQLException {
        throw refused("prepareCall");
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        throw refused("getTypeMap");
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> p0) throws SQLException {
        throw refused("setTypeMap");
    }

    @Override
    public void setHoldability(int p0) throws SQLException {
        throw refused("setHoldability");
    }

    @Override
    public int getHoldability() throws SQLException {
        throw refused("getHoldability");
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        throw refused("setSavepoint");
    }

    @Override
    public Savepoint setSavepoint(String p0) throws SQLException {
        throw refused("setSavepoint");
    }

    @Override
    public void rollback(Savepoint p0) throws SQLException {
        throw refused("rollback");
    }

    @Override
    public void releaseSavepoint(Savepoint p0) throws SQLException {
        throw refused("releaseSavepoint");
    }

    @Override
    public Statement createStatement(int p0, int p1, int p2) throws SQLException {
        throw refused("createStatement");
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int p1, int p2, int p3) throws SQLException {
        throw refused("prepareStatement");
    }

    @Override
    public CallableStatement prepareCall(String p0, int p1, int p2, int p3) throws SQLException {
        throw refused("prepareCall");
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int p1) throws SQLException {
        throw refused("prepareStatement");
    }

    @Override
    public PreparedStatement prepareStatement(String p0, int[] p1) throws SQLException {
        throw refused("prepareStatement");
    }

    @Override
    public PreparedStatement prepareStatement(String p0, String[] p1) throws SQLException {
        throw refused("prepareStatement");
    }

    @Override
    public Clob createClob() throws SQLException {
        throw refused("createClob");
    }

    @Override
    public Blob createBlob() throws SQLException {
        throw refused("createBlob");
    }

    @Override
    public NClob createNClob() throws SQLException {
        throw refused("createNClob");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        throw refused("createSQLXML");
    }

    @Override
    public boolean isValid(int p0) throws SQLException {
        throw refused("isValid");
    }

    @Override
    public void setClientInfo(String p0, String p1) throws SQLClientInfoException {
        throw new SQLClientInfoException("the benchmark stub does not do Connection.setClientInfo", Map.of());
    }

    @Override
    public void setClientInfo(Properties p0) throws SQLClientInfoException {
        throw new SQLClientInfoException("the benchmark stub does not do Connection.setClientInfo", Map.of());
    }

    @Override
    public String getClientInfo(String p0) throws SQLException {
        throw refused("getClientInfo");
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        throw refused("getClientInfo");
    }

    @Override
    public Array createArrayOf(String p0, Object[] p1) throws SQLException {
        throw refused("createArrayOf");
    }

    @Override
    public Struct createStruct(String p0, Object[] p1) throws SQLException {
        throw refused("createStruct");
    }

    @Override
    public void setSchema(String p0) throws SQLException {
        throw refused("setSchema");
    }

    @Override
    public String getSchema() throws SQLException {
        throw refused("getSchema");
    }

    @Override
    public void abort(Executor p0) throws SQLException {
        throw refused("abort");
    }

    @Override
    public void setNetworkTimeout(Executor p0, int p1) throws SQLException {
        throw refused("setNetworkTimeout");
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        throw refused("getNetworkTimeout");
    }

    @Override
    public <T> T unwrap(Class<T> p0) throws SQLException {
        throw refused("unwrap");
    }

    @Override
    public boolean isWrapperFor(Class<?> p0) throws SQLException {
        throw refused("isWrapperFor");
    }
}
