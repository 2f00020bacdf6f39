package io.pgrouter.benchmarks.faults;

import com.zaxxer.hikari.HikariConfig;
import io.pgrouter.benchmarks.Endpoints;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import software.amazon.jdbc.Driver;
import software.amazon.jdbc.HikariPooledConnectionProvider;

/**
 * The AWS Advanced JDBC Wrapper as its documentation sets it up for a PostgreSQL cluster outside RDS: the simple
 * read/write splitting plugin ({@code srw}) with a write endpoint (the primary) and a read endpoint (the first
 * replica), role verification off ({@code verifyNewSrwConnections=false}, which the docs require outside RDS and
 * Aurora), and the wrapper's internal HikariCP pools (one per endpoint) rather than an outer pool, as the docs
 * recommend for read/write splitting. A read is a connection switched to the read endpoint with
 * {@code setReadOnly(true)}. The dialect is given ({@code wrapperDialect=pg}), as the docs advise when it is known. The failover plugins are left out: they learn the topology from Aurora's or RDS's
 * metadata, which a self-managed cluster does not have; the endpoints are fixed {@code host:port} pairs, since a
 * self-managed cluster has no DNS name that follows the primary.
 */
final class AwsWrapperTarget implements Target {

    static final String NAME = "aws-wrapper-srw";
    private static final String POOL_PREFIX = "aws-wrapper-";

    private final String url;
    private final Properties properties;
    private final HikariPooledConnectionProvider pools;
    private final int poolSize;

    private AwsWrapperTarget(String url, Properties properties, HikariPooledConnectionProvider pools, int poolSize) {
        this.url = url;
        this.properties = properties;
        this.pools = pools;
        this.poolSize = poolSize;
    }

    /** Internal pools of {@code poolSize} connections per endpoint that wait {@code connectionTimeout} for one. */
    static Factory factory(int poolSize, Duration connectionTimeout) {
        return cluster -> open(Endpoints.of(cluster), poolSize, connectionTimeout);
    }

    private static AwsWrapperTarget open(Endpoints endpoints, int poolSize, Duration connectionTimeout) {
        try {
            if (!Driver.isRegistered()) {
                Driver.register();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("registering the AWS wrapper's driver failed", e);
        }
        HikariPooledConnectionProvider pools = new HikariPooledConnectionProvider(
                (host, props) -> {
                    HikariConfig config = new HikariConfig();
                    config.setPoolName(POOL_PREFIX + host.getHost() + "-" + host.getPort());
                    config.setMaximumPoolSize(poolSize);
                    config.setMinimumIdle(poolSize);
                    config.setConnectionTimeout(connectionTimeout.toMillis());
                    config.setInitializationFailTimeout(-1);
                    config.setRegisterMbeans(true);
                    return config;
                },
                (host, props) -> host.getUrl() + props.getProperty("user"),
                // By default only RDS instance endpoints are pooled; these are plain host:port endpoints.
                (host, props) -> true,
                TimeUnit.MINUTES.toNanos(30),
                TimeUnit.MINUTES.toNanos(10));
        Driver.setCustomConnectionProvider(pools);
        Properties properties = new Properties();
        properties.setProperty("user", endpoints.user());
        properties.setProperty("password", endpoints.password());
        properties.setProperty("wrapperPlugins", "srw");
        // Plain PostgreSQL: spares the dialect detection (queries for Aurora's and RDS's functions) per connection.
        properties.setProperty("wrapperDialect", "pg");
        properties.setProperty("srwWriteEndpoint", endpoints.primary());
        properties.setProperty("srwReadEndpoint", endpoints.replicas().get(0));
        properties.setProperty("verifyNewSrwConnections", "false");
        String url = "jdbc:aws-wrapper:postgresql://" + endpoints.primary() + "/" + endpoints.database();
        return new AwsWrapperTarget(url, properties, pools, poolSize);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Connection write() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection read() throws SQLException {
        Connection c = DriverManager.getConnection(url, properties);
        try {
            c.setReadOnly(true);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Connections handed out by each internal pool, read from HikariCP's MBeans. */
    @Override
    public Map<String, Integer> activeConnections() {
        Map<String, Integer> active = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("com.zaxxer.hikari:type=Pool (*"), null)) {
                String type = name.getKeyProperty("type");
                if (type.startsWith("Pool (" + POOL_PREFIX)) {
                    active.put(type.substring("Pool (".length(), type.length() - 1), (Integer)
                            server.getAttribute(name, "ActiveConnections"));
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("reading the wrapper's pool MBeans failed", e);
        }
        return active;
    }

    @Override
    public int poolSize() {
        return poolSize;
    }

    @Override
    public void close() {
        pools.releaseResources();
        Driver.resetCustomConnectionProvider();
    }
}
