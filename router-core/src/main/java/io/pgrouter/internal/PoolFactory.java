package io.pgrouter.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgrouter.MetricsBinding;
import io.pgrouter.PoolSettings;
import io.pgrouter.internal.config.NodeConfig;
import java.util.function.BooleanSupplier;

/** Makes the HikariCP pool of one node. */
final class PoolFactory {

    private PoolFactory() {}

    /**
     * A started pool named {@code pgrouter-<node>}. It does not fail when the node is down at start
     * ({@code initializationFailTimeout = -1}): a router over several nodes must come up while one is away; the
     * pool keeps trying in the background and the router routes around it.
     *
     * @param meters sets up the pool's {@code hikaricp.*} meters (tagged {@code pool=pgrouter-<node>}) before it
     *     starts
     */
    static Node pooledNode(
            NodeConfig node,
            PoolSettings settings,
            BooleanSupplier readOnlyScopeActive,
            java.time.Duration breakerOpenFor,
            java.util.function.BiConsumer<String, String> nodeSignal,
            MetricsBinding meters) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(node.poolName());
        hikari.setDataSource(new NodeDataSource(node));
        hikari.setMaximumPoolSize(settings.maximumPoolSize());
        hikari.setMinimumIdle(settings.minimumIdle());
        hikari.setConnectionTimeout(settings.connectionTimeout().toMillis());
        hikari.setMaxLifetime(settings.maxLifetime().toMillis());
        hikari.setIdleTimeout(settings.idleTimeout().toMillis());
        hikari.setLeakDetectionThreshold(settings.leakDetectionThreshold().toMillis());
        hikari.setInitializationFailTimeout(-1);
        NodeExceptionObserver observer = new NodeExceptionObserver(node, readOnlyScopeActive, nodeSignal);
        hikari.setExceptionOverride(observer);
        meters.configurePool(hikari);
        HikariDataSource pool = new HikariDataSource(hikari);
        observer.attach(pool);
        return new Node(node, pool, breakerOpenFor, settings.maximumPoolSize());
    }
}
