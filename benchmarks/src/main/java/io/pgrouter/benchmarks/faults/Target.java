package io.pgrouter.benchmarks.faults;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgrouter.NodeStatus;
import io.pgrouter.PoolSettings;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the fault load runs against: pgrouter, or a peer with one pool for writes and one for reads. */
public interface Target extends AutoCloseable {

    /** The name reports show. */
    String name();

    /** A connection for a write transaction. */
    Connection write() throws SQLException;

    /** A connection for a read, marked as one where the target needs that. */
    Connection read() throws SQLException;

    /** Connections handed out and not returned, per pool. */
    Map<String, Integer> activeConnections();

    /** How many connections each pool holds at most. */
    int poolSize();

    @Override
    void close();

    /** Builds a target over a cluster's current nodes. */
    @FunctionalInterface
    interface Factory {
        Target open(ReplicaSet cluster);
    }

    /** pgrouter with every pool of {@code poolSize} connections, a connection timeout and a probe interval. */
    static Factory pgrouter(int poolSize, Duration connectionTimeout, Duration probeInterval) {
        return cluster -> pgrouter(router(cluster, poolSize, connectionTimeout, probeInterval), poolSize);
    }

    /**
     * A router over the cluster's current nodes, named as the test kit names them, with every pool of {@code poolSize}
     * connections (all made at start), a connection timeout and a probe interval.
     */
    static RoutingDataSource router(
            ReplicaSet cluster, int poolSize, Duration connectionTimeout, Duration probeInterval) {
        Endpoints endpoints = Endpoints.of(cluster);
        PoolSettings pool = PoolSettings.custom()
                .maximumPoolSize(poolSize)
                .minimumIdle(poolSize)
                .connectionTimeout(connectionTimeout)
                .build();
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(cluster.primary().name(), endpoints.primaryUrl(), endpoints.user(), endpoints.password())
                .primaryPool(pool)
                .replicaPool(pool)
                .probeInterval(probeInterval);
        for (int i = 0; i < cluster.replicas().size(); i++) {
            builder.replica(
                    cluster.replicas().get(i).name(), endpoints.replicaUrl(i), endpoints.user(), endpoints.password());
        }
        return builder.build();
    }

    /** {@code router} as a target; closing the target closes the router. */
    static Target pgrouter(RoutingDataSource router, int poolSize) {
        return new Target() {
            @Override
            public String name() {
                return "pgrouter";
            }

            @Override
            public Connection write() throws SQLException {
                return router.getConnection();
            }

            @Override
            public Connection read() throws SQLException {
                Connection c = router.getConnection();
                c.setReadOnly(true);
                return c;
            }

            @Override
            public Map<String, Integer> activeConnections() {
                Map<String, Integer> active = new LinkedHashMap<>();
                for (NodeStatus node : router.status().nodes()) {
                    active.put(node.name(), node.activeConnections());
                }
                return active;
            }

            @Override
            public int poolSize() {
                return poolSize;
            }

            @Override
            public void close() {
                router.close();
            }
        };
    }

    /**
     * pgjdbc's multi-host URL under HikariCP, as its users split reads and writes: a pool with
     * {@code targetServerType=primary} for writes and one with {@code preferSecondary} for reads.
     */
    static Factory pgjdbcMultiHost(int poolSize, Duration connectionTimeout, int hostRecheckSeconds) {
        return cluster -> {
            Endpoints endpoints = Endpoints.of(cluster);
            HikariDataSource writes = hikari(
                    "pgjdbc-writes",
                    endpoints.multiHostUrl("targetServerType=primary&hostRecheckSeconds=" + hostRecheckSeconds),
                    endpoints,
                    poolSize,
                    connectionTimeout);
            HikariDataSource reads = hikari(
                    "pgjdbc-reads",
                    endpoints.multiHostUrl("targetServerType=preferSecondary&hostRecheckSeconds=" + hostRecheckSeconds),
                    endpoints,
                    poolSize,
                    connectionTimeout);
            return new Target() {
                @Override
                public String name() {
                    return "pgjdbc-multihost-recheck" + hostRecheckSeconds + "s";
                }

                @Override
                public Connection write() throws SQLException {
                    return writes.getConnection();
                }

                @Override
                public Connection read() throws SQLException {
                    return reads.getConnection();
                }

                @Override
                public Map<String, Integer> activeConnections() {
                    return Map.of(
                            "writes",
                            writes.getHikariPoolMXBean().getActiveConnections(),
                            "reads",
                            reads.getHikariPoolMXBean().getActiveConnections());
                }

                @Override
                public int poolSize() {
                    return poolSize;
                }

                @Override
                public void close() {
                    writes.close();
                    reads.close();
                }
            };
        };
    }

    private static HikariDataSource hikari(
            String name, String url, Endpoints endpoints, int poolSize, Duration timeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(endpoints.user());
        config.setPassword(endpoints.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        config.setConnectionTimeout(timeout.toMillis());
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
