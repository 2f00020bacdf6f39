package io.pgrouter.internal.cutover;

import io.pgrouter.internal.config.PgjdbcProperties;
import io.pgrouter.internal.config.Secrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * One side of a cutover (source or target) that a readiness check connects to: a data source the application
 * gives, or a URL with credentials, connected through pgjdbc with connect, login and socket timeouts. A check opens
 * one connection per side and closes it at the end, so nothing is held between checks.
 */
public final class Endpoint {

    private final String side;
    private final DataSource dataSource;
    private final String url;
    private final Properties properties;

    private Endpoint(String side, DataSource dataSource, String url, Properties properties) {
        this.side = side;
        this.dataSource = dataSource;
        this.url = url;
        this.properties = properties;
    }

    /** A side reached through an application's data source. */
    public static Endpoint of(String side, DataSource dataSource) {
        return new Endpoint(side, dataSource, null, null);
    }

    /**
     * A side reached by URL with pgjdbc connection properties (login, TLS, ...); the check's timeouts and application
     * name are added where the properties set none.
     *
     * @throws IllegalArgumentException naming {@code <side>.url} and the URL (secrets masked) when pgjdbc does not take it
     */
    public static Endpoint of(String side, String url, Properties connection, Duration timeout) {
        if (url == null || Driver.parseURL(url, null) == null) {
            throw new IllegalArgumentException(
                    side + ".url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), was '"
                            + Secrets.maskUrl(url) + "'");
        }
        // The socket timeout is a backstop: each statement has its own query timeout, which cancels it on the server.
        Properties p = PgjdbcProperties.ownSession(
                new Properties(), "pgrouter-cutover-readiness", timeout, PgjdbcProperties.seconds(timeout) * 2L + 1);
        p.putAll(connection); // what the caller set wins
        return new Endpoint(side, null, url, p);
    }

    /** {@code source} or {@code target}. */
    public String side() {
        return side;
    }

    Connection connect() throws SQLException {
        if (dataSource != null) {
            return dataSource.getConnection();
        }
        Connection c = new Driver().connect(url, properties);
        if (c == null) {
            throw new SQLException("pgjdbc did not accept the " + side + " URL");
        }
        return c;
    }

    @Override
    public String toString() {
        return side + (url != null ? " " + Secrets.maskUrl(url) : " data source");
    }
}
