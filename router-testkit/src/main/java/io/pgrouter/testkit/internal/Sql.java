package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.TlsFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Small JDBC helpers for the kit's own queries; every connection has connect and socket timeouts. */
public final class Sql {

    private Sql() {}

    /** An unpooled data source with short timeouts, so that a frozen server fails a call instead of hanging it. */
    public static DataSource dataSource(String host, int port, String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        ds.setConnectTimeout(5);
        ds.setLoginTimeout(10);
        ds.setSocketTimeout(30);
        ds.setTcpKeepAlive(true);
        ds.setApplicationName("pgrouter-testkit");
        return ds;
    }

    /**
     * As {@link #dataSource(String, int, String, String, String)}, over TLS with full verification against the
     * kit's CA (and its client certificate where the servers require one) when {@code tls} is not {@code null}.
     */
    public static DataSource dataSource(
            String host, int port, String database, String user, String password, TlsFiles tls) {
        PGSimpleDataSource ds = (PGSimpleDataSource) dataSource(host, port, database, user, password);
        if (tls != null) {
            ds.setSslMode("verify-full");
            ds.setSslRootCert(tls.caCertificate().toString());
            if (tls.clientCertificatesRequired()) {
                ds.setSslCert(tls.clientCertificate().toString());
                ds.setSslKey(tls.clientKey().toString());
            }
        }
        return ds;
    }

    /** Runs one statement. */
    public static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query, as a string; {@code null} for no row or SQL NULL. */
    public static String queryString(DataSource ds, String sql, Object... args) {
        try (Connection c = ds.getConnection()) {
            return queryString(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    /** As {@link #queryString(DataSource, String, Object...)}, on an open connection. */
    public static String queryString(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
