package io.pgrouter.spring.autoconfigure;

import io.pgrouter.LagThresholds;
import io.pgrouter.PoolSettings;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RoutingDataSource;
import java.nio.file.Path;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * Turns bound {@link PgRouterProperties} into a {@link RoutingDataSource.Builder}. Values are not checked here: the
 * router's own validation does it on {@code build()}, and its messages name the {@code pgrouter.*} key and the value.
 */
final class RouterBuilderFactory {

    private RouterBuilderFactory() {
    }

    static RoutingDataSource.Builder builder(PgRouterProperties properties, Environment environment) {
        RoutingDataSource.Builder builder = RoutingDataSource.builder();
        PgRouterProperties.Node primary = properties.getPrimary();
        String primaryName = primary.getName() != null ? primary.getName() : "primary";
        String password = primary.getPasswordFile() != null ? null
                : orElse(primary.getPassword(), environment.getProperty("spring.datasource.password"));
        builder.primary(primaryName, orElse(primary.getUrl(), environment.getProperty("spring.datasource.url")),
                orElse(primary.getUsername(), environment.getProperty("spring.datasource.username")), password);
        node(builder, primaryName, primary);

        List<PgRouterProperties.Replica> replicas = properties.getReplicas();
        for (int i = 0; i < replicas.size(); i++) {
            PgRouterProperties.Replica replica = replicas.get(i);
            String name = replica.getName() != null ? replica.getName() : "replica-" + (i + 1);
            // Null credentials make the router use the primary's.
            builder.replica(name, replica.getUrl(), replica.getUsername(), replica.getPassword());
            node(builder, name, replica);
            builder.weight(name, replica.getWeight());
        }

        builder.replicasEnabled(properties.isReplicasEnabled())
                .fallbackToPrimary(properties.isFallbackToPrimary())
                .selection(selector(properties.getSelection()))
                .failedReplicaBackoff(properties.getFailedReplicaBackoff())
                .probeInterval(properties.getProbe().getInterval())
                .abortOnProbeTimeout(properties.getProbe().isAbortOnTimeout());
        if (properties.getProbe().getTimeout() != null) {
            builder.probeTimeout(properties.getProbe().getTimeout());
        }
        PgRouterProperties.Lag lag = properties.getLag();
        builder.lagThresholds(new LagThresholds(lag.getMaxBytes().toBytes(), lag.getMaxDelay(), lag.getRejoinAfter()));
        builder.primaryPool(pool(PoolSettings.PRIMARY_DEFAULTS, properties.getPool().getPrimary()));
        builder.replicaPool(pool(PoolSettings.REPLICA_DEFAULTS, properties.getPool().getReplica()));
        return builder;
    }

    private static void node(RoutingDataSource.Builder builder, String name, PgRouterProperties.Node node) {
        if (node.getPasswordFile() != null) {
            builder.passwordFile(name, Path.of(node.getPasswordFile()));
        }
        node.getProperties().forEach((key, value) -> builder.jdbcProperty(name, key, value));
    }

    private static ReplicaSelector selector(String name) {
        try {
            return ReplicaSelector.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pgrouter.selection must be one of round-robin, random, weighted,"
                    + " least-in-flight, lowest-lag, was '" + name + "'", e);
        }
    }

    /** Unset values keep the role's defaults (PoolSettings halves a default idle timeout a short lifetime would invalidate). */
    private static PoolSettings pool(PoolSettings defaults, PgRouterProperties.Pool pool) {
        PoolSettings.Builder settings = PoolSettings.from(defaults);
        if (pool.getMaximumPoolSize() != null) {
            settings.maximumPoolSize(pool.getMaximumPoolSize());
        }
        if (pool.getMinimumIdle() != null) {
            settings.minimumIdle(pool.getMinimumIdle());
        }
        if (pool.getConnectionTimeout() != null) {
            settings.connectionTimeout(pool.getConnectionTimeout());
        }
        if (pool.getMaxLifetime() != null) {
            settings.maxLifetime(pool.getMaxLifetime());
        }
        if (pool.getLeakDetectionThreshold() != null) {
            settings.leakDetectionThreshold(pool.getLeakDetectionThreshold());
        }
        if (pool.getIdleTimeout() != null) {
            settings.idleTimeout(pool.getIdleTimeout());
        }
        return settings.build();
    }

    private static String orElse(String value, String fallback) {
        return value != null ? value : fallback;
    }
}
