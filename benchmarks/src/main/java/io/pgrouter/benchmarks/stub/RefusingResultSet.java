package io.pgrouter.benchmarks.stub;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A result set whose every method refuses; {@link StubResultSet} overrides what the benchmarks call.
 */
abstract class RefusingResultSet implements ResultSet {

    static SQLException refused(String method) {
        return new SQLFeatureNotSupportedException("the benchmark stub does not do ResultSet." + method);
    }

    @Override
    public boolean next() throws SQLException {
        throw refused("next");
    }

    @Override
    public void close() throws SQLException {
        throw refused("close");
    }

    @Override
    public boolean wasNull() throws SQLException {
        throw refused("wasNull");
    }

    @Override
    public String getString(int p0) throws SQLException {
        throw refused("getString");
    }

    @Override
    public boolean getBoolean(int p0) throws SQLException {
        throw refused("getBoolean");
    }

    @Override
    public byte getByte(int p0) throws SQLException {
        throw refused("getByte");
    }

    @Override
    public short getShort(int p0) throws SQLException {
        throw refused("getShort");
    }

    @Override
    public int getInt(int p0) throws SQLException {
        throw refused("getInt");
    }

    @Override
    public long getLong(int p0) throws SQLException {
        throw refused("getLong");
    }

    @Override
    public float getFloat(int p0) throws SQLException {
        throw refused("getFloat");
    }

    @Override
    public double getDouble(int p0) throws SQLException {
        throw refused("getDouble");
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int p0, int p1) throws SQLException {
        throw refused("getBigDecimal");
    }

    @Override
    public byte[] getBytes(int p0) throws SQLException {
        throw refused("getBytes");
    }

    @Override
    public Date getDate(int p0) throws SQLException {
        throw refused("getDate");
    }

    @Override
    public Time getTime(int p0) throws SQLException {
        throw refused("getTime");
    }

    @Override
    public Timestamp getTimestamp(int p0) throws SQLException {
        throw refused("getTimestamp");
    }

    @Override
    public InputStream getAsciiStream(int p0) throws SQLException {
        throw refused("getAsciiStream");
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int p0) throws SQLException {
        throw refused("getUnicodeStream");
    }

    @Override
    public InputStream getBinaryStream(int p0) throws SQLException {
        throw refused("getBinaryStream");
    }

    @Override
    public String getString(String p0) throws SQLException {
        throw refused("getString");
    }

    @Override
    public boolean getBoolean(String p0) throws SQLException {
        throw refused("getBoolean");
    }

    @Override
    public byte getByte(String p0) throws SQLException {
        throw refused("getByte");
    }

    @Override
    public short getShort(String p0) throws SQLException {
        throw refused("getShort");
    }

    @Override
    public int getInt(String p0) throws SQLException {
        throw refused("getInt");
    }

    @Override
    public long getLong(String p0) throws SQLException {
        throw refused("getLong");
    }

    @Override
    public float getFloat(String p0) throws SQLException {
        throw refused("getFloat");
    }

    @Override
    public double getDouble(String p0) throws SQLException {
        throw refused("getDouble");
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String p0, int p1) throws SQLException {
        throw refused("getBigDecimal");
    }

    @Override
    public byte[] getBytes(String p0) throws SQLException {
        throw refused("getBytes");
    }

    @Override
    public Date getDate(String p0) throws SQLException {
        throw refused("getDate");
    }

    @Override
    public Time getTime(String p0) throws SQLException {
        throw refused("getTime");
    }

    @Override
    public Timestamp getTimestamp(String p0) throws SQLException {
        throw refused("getTimestamp");
    }

    @Override
    public InputStream getAsciiStream(String p0) throws SQLException {
        throw refused("getAsciiStream");
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String p0) throws SQLException {
        throw refused("getUnicodeStream");
    }

    @Override
    public InputStream getBinaryStream(String p0) throws SQLException {
        throw refused("getBinaryStream");
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
    public String getCursorName() throws SQLException {
        throw refused("getCursorName");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        throw refused("getMetaData");
    }

    @Override
    public Object getObject(int p0) throws SQLException {
        throw refused("getObject");
    }

    @Override
    public Object getObject(String p0) throws SQLException {
        throw refused("getObject");
    }

    @Override
    public int findColumn(String p0) throws SQLException {
        throw refused("findColumn");
    }

    @Override
    public Reader getCharacterStream(int p0) throws SQLException {
        throw refused("getCharacterStream");
    }

    @Override
    public Reader getCharacterStream(String p0) throws SQLException {
        throw refused("getCharacterStream");
    }

    @Override
    public BigDecimal getBigDecimal(int p0) throws SQLException {
        throw refused("getBigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(String p0) throws SQLException {
        throw refused("getBigDecimal");
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        throw refused("isBeforeFirst");
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        throw refused("isAfterLast");
    }

    @Override
    public boolean isFirst() throws SQLException {
        throw refused("isFirst");
    }

    @Override
    public boolean isLast() throws SQLException {
        throw refused("isLast");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw refused("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw refused("afterLast");
    }

    @Override
    public boolean first() throws SQLException {
        throw refused("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw refused("last");
    }

    @Override
    public int getRow() throws SQLException {
        throw refused("getRow");
    }

    @Override
    public boolean absolute(int p0) throws SQLException {
        throw refused("absolute");
    }

    @Override
    public boolean relative(int p0) throws SQLException {
        throw refused("relative");
    }

    @Override
    public boolean previous() throws SQLException {
        throw refused("previous");
    }

    @Override
    public void setFetchDirection(int p0) throws SQLException {
        throw refused("setFetchDirection");
    }

    @Override
    public int getFetchDirection() throws SQLException {
        throw refused("getFetchDirection");
    }

    @Override
    public void setFetchSize(int p0) throws SQLException {
        throw refused("setFetchSize");
    }

    @Override
    public int getFetchSize() throws SQLException {
        throw refused("getFetchSize");
    }

    @Override
    public int getType() throws SQLException {
        throw refused("getType");
    }

    @Override
    public int getConcurrency() throws SQLException {
        throw refused("getConcurrency");
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        throw refused("rowUpdated");
    }

    @Override
    public boolean rowInserted() throws SQLException {
        throw refused("rowInserted");
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        throw refused("rowDeleted");
    }

    @Override
    public void updateNull(int p0) throws SQLException {
        throw refused("updateNull");
    }

    @Override
    public void updateBoolean(int p0, boolean p1) throws SQLException {
        throw refused("updateBoolean");
    }

    @Override
    public void updateByte(int p0, byte p1) throws SQLException {
        throw refused("updateByte");
    }

    @Override
    public void updateShort(int p0, short p1) throws SQLException {
        throw refused("updateShort");
    }

    @Override
    public void updateInt(int p0, int p1) throws SQLException {
        throw refused("updateInt");
    }

    @Override
    public void updateLong(int p0, long p1) throws SQLException {
        throw refused("updateLong");
    }

    @Override
    public void updateFloat(int p0, float p1) throws SQLException {
        throw refused("updateFloat");
    }

    @Override
    public void updateDouble(int p0, double p1) throws SQLException {
        throw refused("updateDouble");
    }

    @Override
    public void updateBigDecimal(int p0, BigDecimal p1) throws SQLException {
        throw refused("updateBigDecimal");
    }

    @Override
    public void updateString(int p0, String p1) throws SQLException {
        throw refused("updateString");
    }

    @Override
    public void updateBytes(int p0, byte[] p1) throws SQLException {
        throw refused("updateBytes");
    }

    @Override
    public void updateDate(int p0, Date p1) throws SQLException {
        throw refused("updateDate");
    }

    @Override
    public void updateTime(int p0, Time p1) throws SQLException {
        throw refused("updateTime");
    }

    @Override
    public void updateTimestamp(int p0, Timestamp p1) throws SQLException {
        throw refused("updateTimestamp");
    }

    @Override
    public void updateAsciiStream(int p0, InputStream p1, int p2) throws SQLException {
        throw refused("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int p0, InputStream p1, int p2) throws SQLException {
        throw refused("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int p0, Reader p1, int p2) throws SQLException {
        throw refused("updateCharacterStream");
    }

    @Override
    public void updateObject(int p0, Object p1, int p2) throws SQLException {
        throw refused("updateObject");
    }

    @Override
    public void updateObject(int p0, Object p1) throws SQLException {
        throw refused("updateObject");
    }

    @Override
    public void updateNull(String p0) throws SQLException {
        throw refused("updateNull");
    }

    @Override
    public void updateBoolean(String p0, boolean p1) throws SQLException {
        throw refused("updateBoolean");
    }

    @Override
    public void updateByte(String p0, byte p1) throws SQLException {
        throw refused("updateByte");
    }

    @Override
    public void updateShort(String p0, short p1) throws SQLException {
        throw refused("updateShort");
    }

    @Override
    public void updateInt(String p0, int p1) throws SQLException {
        throw refused("updateInt");
    }

    @Override
    public void updateLong(String p0, long p1) throws SQLException {
        throw refused("updateLong");
    }

    @Override
    public void updateFloat(String p0, float p1) throws SQLException {
        throw refused("updateFloat");
    }

    @Override
    public void updateDouble(String p0, double p1) throws SQLException {
        throw refused("updateDouble");
    }

    @Override
    public void updateBigDecimal(String p0, BigDecimal p1) throws SQLException {
        throw refused("updateBigDecimal");
    }

    @Override
    public void updateString(String p0, String p1) throws SQLException {
        throw refused("updateString");
    }

    @Override
    public void updateBytes(String p0, byte[] p1) throws SQLException {
        throw refused("updateBytes");
    }

    @Override
    public void updateDate(String p0, Date p1) throws SQLException {
        throw refused("updateDate");
    }

    @Override
    public void updateTime(String p0, Time p1) throws SQLException {
        throw refused("updateTime");
    }

    @Override
    public void updateTimestamp(String p0, Timestamp p1) throws SQLException {
        throw refused("updateTimestamp");
    }

    @Override
    public void updateAsciiStream(String p0, InputStream p1, int p2) throws SQLException {
        throw refused("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String p0, InputStream p1, int p2) throws SQLException {
        throw refused("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String p0, Reader p1, int p2) throws SQLException {
        throw refused("updateCharacterStream");
    }

    @Override
    public void updateObject(String p0, Object p1, int p2) throws SQLException {
        throw refused("updateObject");
    }

    @Override
    public void updateObject(String p0, Object p1) throws SQLException {
        throw refused("updateObject");
    }

    @Override
    public void insertRow() throws SQLException {
        throw refused("insertRow");
    }

    @Override
    public void updateRow() throws SQLException {
        throw refused("updateRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw refused("deleteRow");
    }

    @Override
    public void refreshRow() throws SQLException {
        throw refused("refreshRow");
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw refused("cancelRowUpdates");
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw refused("moveToInsertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw refused("moveToCurrentRow");
    }

    @Override
    public Statement getStatement() throws SQLException {
        throw refused("getStatement");
    }

    @Override
    public Object getObject(int p0, Map<String, Class<?>> p1) throws SQLException {
        throw refused("getObject");
    }

    @Override
    public Ref getRef(int p0) throws SQLException {
        throw refused("getRef");
    }

    @Override
    public Blob getBlob(int p0) throws SQLException {
        throw refused("getBlob");
    }

    @Override
    public Clob getClob(int p0) throws SQLException {
        throw refused("getClob");
    }

    @Override
    public Array getArray(int p0) throws SQLException {
        throw refused("getArray");
    }

    @Override
    public Object getObject(String p0, Map<String, Class<?>> p1) throws SQLException {
        throw refused("getObject");
    }

    @Override
    public Ref getRef(String p0) throws SQLException {
        throw refused("getRef");
    }

    @Override
    public Blob getBlob(String p0) throws SQLException {
        throw refused("getBlob");
    }

    @Override
    public Clob getClob(String p0) throws SQLException {
        throw refused("getClob");
    }

    @Override
    public Array getArray(String p0) throws SQLException {
        throw refused("getArray");
    }

    @Override
    public Date getDate(int p0, Calendar p1) throws SQLException {
        throw refused("getDate");
    }

    @Override
    public Date getDate(String p0, Calendar p1) throws SQLException {
        throw refused("getDate");
    }

    @Override
    public Time getTime(int p0, Calendar p1) throws SQLException {
        throw refused("getTime");
    }

    @Override
    public Time getTime(String p0, Calendar p1) throws SQLException {
        throw refused("getTime");
    }

    @Override
    public Timestamp getTimestamp(int p0, Calendar p1) throws SQLException {
        throw refused("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(String p0, Calendar p1) throws SQLException {
        throw refused("getTimestamp");
    }

    @Override
    public URL getURL(int p0) throws SQLException {
        throw refused("getURL");
    }

    @Override
    public URL getURL(String p0) throws SQLException {
        throw refused("getURL");
    }

    @Override
    public void updateRef(int p0, Ref p1) throws SQLException {
        throw refused("updateRef");
    }

    @Override
    public void updateRef(String p0, Ref p1) throws SQLException {
        throw refused("updateRef");
    }

    @Override
    public void updateBlob(int p0, Blob p1) throws SQLException {
        throw refused("updateBlob");
    }

    @Override
    public void updateBlob(String p0, Blob p1) throws SQLException {
        throw refused("updateBlob");
    }

    @Override
    public void updateClob(int p0, Clob p1) throws SQLException {
        throw refused("updateClob");
    }

    @Override
    public void updateClob(String p0, Clob p1) throws SQLException {
        throw refused("updateClob");
    }

    @Override
    public void updateArray(int p0, Array p1) throws SQLException {
        throw refused("updateArray");
    }

    @Override
    public void updateArray(String p0, Array p1) throws SQLException {
        throw refused("updateArray");
    }

    @Override
    public RowId getRowId(int p0) throws SQLException {
        throw refused("getRowId");
    }

    @Override
    public RowId getRowId(String p0) throws SQLException {
        throw refused("getRowId");
    }

    @Override
    public void updateRowId(int p0, RowId p1) throws SQLException {
        throw refused("updateRowId");
    }

    @Override
    public void updateRowId(String p0, RowId p1) throws SQLException {
        throw refused("updateRowId");
    }

    @Override
    public int getHoldability() throws SQLException {
        throw refused("getHoldability");
    }

    @Override
    public boolean isClosed() throws SQLException {
        throw refused("isClosed");
    }

    @Override
    public void updateNString(int p0, String p1) throws SQLException {
        throw refused("updateNString");
    }

    @Override
    public void updateNString(String p0, String p1) throws SQLException {
        throw refused("updateNString");
    }

    @Override
    public void updateNClob(int p0, NClob p1) throws SQLException {
        throw refused("updateNClob");
    }

    @Override
    public void updateNClob(String p0, NClob p1) throws SQLException {
        throw refused("updateNClob");
    }

    @Override
    public NClob getNClob(int p0) throws SQLException {
        throw refused("getNClob");
    }

    @Override
    public NClob getNClob(String p0) throws SQLException {
        throw refused("getNClob");
    }

    @Override
    public SQLXML getSQLXML(int p0) throws SQLException {
        throw refused("getSQLXML");
    }

    @Override
    public SQLXML getSQLXML(String p0) throws SQLException {
        throw refused("getSQLXML");
    }

    @Override
    public void updateSQLXML(int p0, SQLXML p1) throws SQLException {
        throw refused("updateSQLXML");
    }

    @Override
    public void updateSQLXML(String p0, SQLXML p1) throws SQLException {
        throw refused("updateSQLXML");
    }

    @Override
    public String getNString(int p0) throws SQLException {
        throw refused("getNString");
    }

    @Override
    public String getNString(String p0) throws SQLException {
        throw refused("getNString");
    }

    @Override
    public Reader getNCharacterStream(int p0) throws SQLException {
        throw refused("getNCharacterStream");
    }

    @Override
    public Reader getNCharacterStream(String p0) throws SQLException {
        throw refused("getNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int p0, Reader p1, long p2) throws SQLException {
        throw refused("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String p0, Reader p1, long p2) throws SQLException {
        throw refused("updateNCharacterStream");
    }

    @Override
    public void updateAsciiStream(int p0, InputStream p1, long p2) throws SQLException {
        throw refused("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int p0, InputStream p1, long p2) throws SQLException {
        throw refused("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int p0, Reader p1, long p2) throws SQLException {
        throw refused("updateCharacterStream");
    }

    @Override
    public void updateAsciiStream(String p0, InputStream p1, long p2) throws SQLException {
        throw refused("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String p0, InputStream p1, long p2) throws SQLException {
        throw refused("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String p0, Reader p1, long p2) throws SQLException {
        throw refused("updateCharacterStream");
    }

    @Override
    public void updateBlob(int p0, InputStream p1, long p2) throws SQLException {
        throw refused("updateBlob");
    }

    @Override
    public void updateBlob(String p0, InputStream p1, long p2) throws SQLException {
        throw refused("updateBlob");
    }

    @Override
    public void updateClob(int p0, Reader p1, long p2) throws SQLException {
        throw refused("updateClob");
    }

    @Override
    public void updateClob(String p0, Reader p1, long p2) throws SQLException {
        throw refused("updateClob");
    }

    @Override
    public void updateNClob(int p0, Reader p1, long p2) throws SQLException {
        throw refused("updateNClob");
    }

    @Override
    public void updateNClob(String p0, Reader p1, long p2) throws SQLException {
        throw refused("updateNClob");
    }

    @Override
    public void updateNCharacterStream(int p0, Reader p1) throws SQLException {
        throw refused("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String p0, Reader p1) throws SQLException {
        throw refused("updateNCharacterStream");
    }

    @Override
    public void updateAsciiStream(int p0, InputStream p1) throws SQLException {
        throw refused("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int p0, InputStream p1) throws SQLException {
        throw refused("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int p0, Reader p1) throws SQLException {
        throw refused("updateCharacterStream");
    }

    @Override
    public void updateAsciiStream(String p0, InputStream p1) throws SQLException {
        throw refused("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String p0, InputStream p1) throws SQLException {
        throw refused("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String p0, Reader p1) throws SQLException {
        throw refused("updateCharacterStream");
    }

    @Override
    public void updateBlob(int p0, InputStream p1) throws SQLException {
        throw refused("updateBlob");
    }

    @Override
    public void updateBlob(String p0, InputStream p1) throws SQLException {
        throw refused("updateBlob");
    }

    @Override
    public void updateClob(int p0, Reader p1) throws SQLException {
        throw refused("updateClob");
    }

    @Override
    public void updateClob(String p0, Reader p1) throws SQLException {
        throw refused("updateClob");
    }

    @Override
    public void updateNClob(int p0, Reader p1) throws SQLException {
        throw refused("updateNClob");
    }

    @Override
    public void updateNClob(String p0, Reader p1) throws SQLException {
        throw refused("updateNClob");
    }

    @Override
    public <T> T getObject(int p0, Class<T> p1) throws SQLException {
        throw refused("getObject");
    }

    @Override
    public <T> T getObject(String p0, Class<T> p1) throws SQLException {
        throw refused("getObject");
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
