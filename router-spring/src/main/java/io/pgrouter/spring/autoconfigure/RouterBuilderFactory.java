package io.pgrouter.spring.autoconfigure;

import io.pgrouter.LagThresholds;
import io.pgrouter.PoolSettings;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.Selection;
import io.pgrouter.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Turns bound {@link PgRouterProperties} into a {@link RoutingDataSource.Builder}. Values are mostly not checked here:
 * the router's own validation does it on {@code build()}, and its messages name the {@code pgrouter.*} key and the
 * value.
 *
 * <p>The primary's address, username and password each come from the first of: its {@code pgrouter.primary.*} keys
 * ({@code url} or {@code host}/{@code port}/{@code database}; {@code password} or {@code password-file}), then the
 * connection details (a {@link JdbcConnectionDetails} bean, else {@code spring.datasource.*}).
 */
final class RouterBuilderFactory {

    private static final String POSTGRES_URL_PREFIX = "jdbc:postgresql:";

    private RouterBuilderFactory() {}

    /**
     * @param connectionDetails the primary's defaults
     * @param selectorBean the application's {@link ReplicaSelector} bean, or {@code null}
     * @throws IllegalArgumentException naming the key, for what the router's validation cannot see
     */
    static RoutingDataSource.Builder builder(
            PgRouterProperties properties, JdbcConnectionDetails connectionDetails, ReplicaSelector selectorBean) {
        RoutingDataSource.Builder builder = RoutingDataSource.builder();
        PgRouterProperties.Node primary = properties.getPrimary();
        String primaryName = primary.getName() != null ? primary.getName() : "primary";
        String url = NodeUrls.of(primary, "pgrouter.primary");
        if (url == null) {
            url = postgresUrl(connectionDetails);
        }
        String username = primary.getUsername() != null ? primary.getUsername() : connectionDetails.getUsername();
        String password = primary.getPasswordFile() != null
                ? null
                : primary.getPassword() != null ? primary.getPassword() : connectionDetails.getPassword();
        builder.primary(primaryName, url, username, password);
        node(builder, primaryName, primary);

        List<PgRouterProperties.Replica> replicas = properties.getReplicas();
        for (int i = 0; i < replicas.size(); i++) {
            PgRouterProperties.Replica replica = replicas.get(i);
            String name = replica.getName() != null ? replica.getName() : "replica-" + (i + 1);
            // Null credentials make the router use the primary's.
            builder.replica(
                    name,
                    NodeUrls.of(replica, "pgrouter.replicas[" + i + "]"),
                    replica.getUsername(),
                    replica.getPassword());
            node(builder, name, replica);
            builder.weight(name, replica.getWeight());
        }

        builder.replicasEnabled(properties.isReplicasEnabled())
                .fallbackToPrimary(properties.isFallbackToPrimary())
                .retryReads(properties.isRetryReads())
                .switchoverNotices(properties.getSwitchover().isNotices())
                .selection(selector(properties.getSelection(), selectorBean))
                .failedReplicaBackoff(properties.getFailedReplicaBackoff())
                .probeInterval(properties.getProbe().getInterval())
                .abortOnProbeTimeout(properties.getProbe().isAbortOnTimeout());
        if (properties.getProbe().getTimeout() != null) {
            builder.probeTimeout(properties.getProbe().getTimeout());
        }
        TlsSettings tls = tls(properties.getSsl());
        if (tls != null) {
            builder.tls(tls);
        }
        PgRouterProperties.Probe probe = properties.getProbe();
        if (probe.getPasswordFile() != null) {
            builder.probeLogin(probe.getUsername(), Path.of(probe.getPasswordFile()));
        } else if (probe.getUsername() != null || probe.getPassword() != null) {
            builder.probeLogin(probe.getUsername(), probe.getPassword());
        }
        PgRouterProperties.Lag lag = properties.getLag();
        builder.lagThresholds(new LagThresholds(
                lag.getMaxBytes().toBytes(), lag.getMaxDelay(), lag.getRejoinAfter(), lag.getPrimaryAwayMaxDelay()));
        builder.consistencyMode(properties.getConsistency().getMode())
                .consistencyMaxWait(properties.getConsistency().getMaxWait())
                .consistencyMonotonicReads(properties.getConsistency().isMonotonicReads());
        if (properties.getPrimaryDownWait() != null) {
            builder.primaryDownWait(properties.getPrimaryDownWait());
        }
        topology(builder, properties.getTopology());
        io.pgrouter.CutoverTarget target =
                CutoverTargetKeys.target(properties.getCutover().getTarget());
        if (target != null) {
            builder.cutoverTarget(target);
        }
        builder.cutoverReadiness(
                properties.getCutover().getReadiness().getCheckInterval(),
                properties.getCutover().getReadiness().getStableFor());
        builder.primaryPool(
                pool(PoolSettings.PRIMARY_DEFAULTS, properties.getPool().getPrimary()));
        builder.replicaPool(
                pool(PoolSettings.REPLICA_DEFAULTS, properties.getPool().getReplica()));
        return builder;
    }

    /**
     * The {@code pgrouter.topology.*} keys as bound, handed to the router, which checks them (one place for each check,
     * the same messages as without Spring) and makes the source they describe.
     */
    private static void topology(RoutingDataSource.Builder builder, PgRouterProperties.Topology topology) {
        PgRouterProperties.Patroni patroni = topology.getPatroni();
        PgRouterProperties.Dns dns = topology.getDns();
        Map<String, String> keys = new HashMap<>();
        keys.put("pgrouter.topology.source", topology.getSource());
        keys.put("pgrouter.topology.refresh-interval", text(topology.getRefreshInterval()));
        keys.put("pgrouter.topology.drain-timeout", text(topology.getDrainTimeout()));
        keys.put("pgrouter.topology.patroni.urls", patroni.getUrls());
        keys.put("pgrouter.topology.patroni.username", patroni.getUsername());
        keys.put("pgrouter.topology.patroni.password", patroni.getPassword());
        keys.put("pgrouter.topology.patroni.password-file", patroni.getPasswordFile());
        keys.put("pgrouter.topology.patroni.ca-cert", patroni.getCaCert());
        keys.put("pgrouter.topology.patroni.timeout", text(patroni.getTimeout()));
        keys.put("pgrouter.topology.dns.name", dns.getName());
        keys.put("pgrouter.topology.dns.port", Integer.toString(dns.getPort()));
        keys.put("pgrouter.topology.dns.records", dns.getRecords());
        builder.topology(keys);
    }

    private static String text(Duration duration) {
        return duration == null ? null : duration.toString();
    }

    /**
     * The connection details' URL; another database's (a MySQL service connection, say) is refused here, where the
     * router's own check would blame {@code pgrouter.primary.url}, which nobody set.
     */
    private static String postgresUrl(JdbcConnectionDetails connectionDetails) {
        String url = connectionDetails.getJdbcUrl();
        if (url != null && !url.startsWith(POSTGRES_URL_PREFIX)) {
            // Only the scheme: the rest of a URL may hold credentials.
            int end = url.indexOf(':', "jdbc:".length());
            String scheme = end > 0 ? url.substring(0, end + 1) : "a non-JDBC URL";
            throw new PgRouterConfigurationException(
                    "pgrouter.primary.url",
                    "pgrouter.primary.url is not set and the"
                            + " primary's URL from " + source(connectionDetails) + " is not a PostgreSQL URL ("
                            + POSTGRES_URL_PREFIX
                            + "), was '" + scheme + "...'",
                    "Set pgrouter.primary.url (or pgrouter.primary.host) to the"
                            + " PostgreSQL primary, or set pgrouter.enabled=false to leave the DataSource to Spring Boot.");
        }
        return url;
    }

    /** By type, not toString(): an application's own connection details might print their password. */
    private static String source(JdbcConnectionDetails connectionDetails) {
        return connectionDetails instanceof DataSourcePropertiesConnectionDetails
                ? "spring.datasource.url"
                : "the JdbcConnectionDetails bean ("
                        + connectionDetails.getClass().getName() + ")";
    }

    private static ReplicaSelector selector(Selection selection, ReplicaSelector selectorBean) {
        if (selectorBean == null) {
            return (selection != null ? selection : Selection.LEAST_IN_FLIGHT).newSelector();
        }
        if (selection != null) {
            throw new PgRouterConfigurationException(
                    "pgrouter.selection",
                    "pgrouter.selection is set, was '"
                            + selection.key() + "', and the application defines a ReplicaSelector bean ("
                            + selectorBean.getClass().getName() + "): one of them would be ignored",
                    "Remove pgrouter.selection to use the ReplicaSelector bean, or remove the bean.");
        }
        return selectorBean;
    }

    private static void node(RoutingDataSource.Builder builder, String name, PgRouterProperties.Node node) {
        if (node.getPasswordFile() != null) {
            builder.passwordFile(name, Path.of(node.getPasswordFile()));
        }
        node.getProperties().forEach((key, value) -> builder.jdbcProperty(name, key, value));
        if (node.getProbeUrl() != null) {
            builder.probeUrl(name, node.getProbeUrl());
        }
        TlsSettings tls = tls(node.getSsl());
        if (tls != null) {
            builder.tls(name, tls);
        }
    }

    /** The settings that are set, or {@code null} for none; the router checks them and names the key. */
    private static TlsSettings tls(PgRouterProperties.Ssl ssl) {
        TlsSettings tls = TlsSettings.custom();
        boolean any = false;
        if (ssl.getMode() != null) {
            tls = tls.mode(ssl.getMode());
            any = true;
        }
        if (ssl.getRootCert() != null) {
            tls = tls.rootCertificate(Path.of(ssl.getRootCert()));
            any = true;
        }
        if (ssl.getKey() != null || ssl.getCert() != null) {
            tls = tls.clientCertificate(
                    ssl.getCert() == null ? null : Path.of(ssl.getCert()),
                    ssl.getKey() == null ? null : Path.of(ssl.getKey()));
            any = true;
        }
        if (ssl.getKeyPassword() != null) {
            tls = tls.keyPassword(ssl.getKeyPassword());
            any = true;
        }
        return any ? tls : null;
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
}
