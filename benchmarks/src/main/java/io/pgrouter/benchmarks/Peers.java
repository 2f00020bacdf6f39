package io.pgrouter.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgrouter.PoolSettings;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.benchmarks.stub.StubDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * Builds pgrouter and each peer the same way for every entry: the same pool size and timeouts for every pool, so
 * that differences come from routing, not from pool tuning.
 */
public final class Peers {

    /** How long any pool lets a caller wait for a connection: short, so that a failure shows up as a failure. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    private final Endpoints endpoints;
    private final int poolSize;
    private final UnaryOperator<String> urls;

    private Peers(Endpoints endpoints, int poolSize, UnaryOperator<String> urls) {
        this.endpoints = endpoints;
        this.poolSize = poolSize;
        this.urls = urls;
    }

    /** Peers against the real servers, {@code poolSize} connections per pool, all made at start. */
    public static Peers of(Endpoints endpoints, int poolSize) {
        return new Peers(endpoints, poolSize, UnaryOperator.identity());
    }

    /**
     * Peers whose pools connect at {@code urls.apply(url)} instead of each node's URL (a PgBouncer in front of it,
     * say); pgrouter's probes still go to the nodes when the customizer gives them probe URLs.
     */
    public static Peers through(Endpoints endpoints, int poolSize, UnaryOperator<String> urls) {
        return new Peers(endpoints, poolSize, urls);
    }

    /**
     * Peers whose pools get {@link StubDriver} connections; pgrouter's health probes still reach the real servers
     * (see {@link StubDriver}).
     */
    public static Peers stubbed(Endpoints endpoints, int poolSize) throws java.sql.SQLException {
        StubDriver.install();
        return new Peers(endpoints, poolSize, StubDriver::stubUrl);
    }

    /** Raw HikariCP on the primary: the baseline. */
    public Peer hikariOnPrimary() {
        HikariDataSource pool = hikari("hikari-primary", endpoints.primaryUrl());
        return new Peer("hikari-primary", pool, false, List.of(pool));
    }

    /** pgrouter over the primary and every replica, probed every {@code probeInterval}. */
    public Peer pgrouter(Duration probeInterval, Consumer<RoutingDataSource.Builder> customizer) {
        PoolSettings pool = PoolSettings.custom()
                .maximumPoolSize(poolSize)
                .minimumIdle(poolSize)
                .connectionTimeout(CONNECTION_TIMEOUT)
                .build();
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(urls.apply(endpoints.primaryUrl()), endpoints.user(), endpoints.password())
                .primaryPool(pool)
                .replicaPool(pool)
                .probeInterval(probeInterval);
        for (int i = 0; i < endpoints.replicas().size(); i++) {
            builder.replica(
                    "replica-" + (i + 1), urls.apply(endpoints.replicaUrl(i)), endpoints.user(), endpoints.password());
        }
        customizer.accept(builder);
        RoutingDataSource router = builder.build();
        return new Peer("pgrouter", router, true, List.of(router));
    }

    /**
     * Spring's way: a {@link LazyConnectionDataSourceProxy} over the primary's pool whose read-only data source
     * (Spring Framework 6.1.2+) is an {@link AbstractRoutingDataSource} spreading reads round-robin over one pool
     * per replica. A connection made read-only before first use goes to a replica.
     */
    public Peer springRouting() {
        HikariDataSource primary = hikari("spring-primary", endpoints.primaryUrl());
        Map<Object, Object> replicas = new java.util.LinkedHashMap<>();
        List<AutoCloseable> pools = new java.util.ArrayList<>(List.of(primary));
        for (int i = 0; i < endpoints.replicas().size(); i++) {
            HikariDataSource replica = hikari("spring-replica-" + (i + 1), endpoints.replicaUrl(i));
            replicas.put(i, replica);
            pools.add(replica);
        }
        RoundRobinReplicas readOnly = new RoundRobinReplicas(replicas.size());
        readOnly.setTargetDataSources(replicas);
        readOnly.afterPropertiesSet();
        LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(primary);
        proxy.setReadOnlyDataSource(readOnly);
        return new Peer("spring-routing", proxy, true, pools);
    }

    /**
     * One HikariCP pool over a pgjdbc multi-host URL (primary first, then the replicas): pgjdbc picks the host at
     * connect time, by {@code targetServerType}, and remembers what each host was for {@code hostRecheckSeconds}.
     */
    public Peer pgjdbcMultiHost(String targetServerType, int hostRecheckSeconds) {
        String name = "pgjdbc-" + targetServerType + "-recheck" + hostRecheckSeconds + "s";
        String url = endpoints.multiHostUrl(
                "targetServerType=" + targetServerType + "&hostRecheckSeconds=" + hostRecheckSeconds);
        HikariDataSource pool = hikari(name, url);
        return new Peer(name, pool, false, List.of(pool));
    }

    private HikariDataSource hikari(String name, String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(urls.apply(url));
        config.setUsername(endpoints.user());
        config.setPassword(endpoints.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // As pgrouter's pools: a node that is down at start must not fail the pool.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** The read-only side of the Spring peer: one replica pool after the other. */
    private static final class RoundRobinReplicas extends AbstractRoutingDataSource {
        private final int replicas;
        private final AtomicInteger next = new AtomicInteger();

        RoundRobinReplicas(int replicas) {
            this.replicas = replicas;
        }

        @Override
        protected Object determineCurrentLookupKey() {
            return Math.floorMod(next.getAndIncrement(), replicas);
        }
    }
}
