package io.pgrouter.benchmarks.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver whose connections do nothing, so that a benchmark through it measures the pool and the routing
 * layers alone. Hand-written rather than a mock or a {@link java.lang.reflect.Proxy}: a call through it must cost
 * next to nothing and allocate nothing, or it would hide the overhead being measured.
 *
 * <p>It answers PostgreSQL URLs that carry {@value #MARKER} (pgjdbc ignores the unknown parameter). That is how the
 * stub run keeps pgrouter's health probes real: they open their connections with pgjdbc's {@code Driver} directly,
 * reach the test kit's servers and see the replica healthy, while the node pools, which find their driver through
 * {@link DriverManager}, get stub connections. {@link #install()} puts this driver ahead of pgjdbc for that lookup.
 */
public final class StubDriver implements Driver {

    /** The URL parameter that sends a connection to the stub. */
    public static final String MARKER = "pgrouterBenchStub=true";

    private static final StubDriver INSTANCE = new StubDriver();
    private static boolean installed;

    private StubDriver() {}

    /**
     * Registers the stub ahead of every other driver: {@link DriverManager#getDriver} returns the first registered
     * driver that accepts a URL, and pgjdbc accepts every {@code jdbc:postgresql:} URL. Idempotent.
     */
    public static synchronized void install() throws SQLException {
        if (installed) {
            return;
        }
        List<Driver> others = Collections.list(DriverManager.getDrivers());
        for (Driver driver : others) {
            DriverManager.deregisterDriver(driver);
        }
        DriverManager.registerDriver(INSTANCE);
        for (Driver driver : others) {
            DriverManager.registerDriver(driver);
        }
        installed = true;
    }

    /** {@code url} with the stub marker added. */
    public static String stubUrl(String url) {
        return url + (url.contains("?") ? "&" : "?") + MARKER;
    }

    @Override
    public Connection connect(String url, Properties info) {
        return acceptsURL(url) ? new StubConnection() : null;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:postgresql:") && url.contains(MARKER);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the benchmark stub does not log");
    }
}
