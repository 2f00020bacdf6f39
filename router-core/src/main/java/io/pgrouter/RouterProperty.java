package io.pgrouter;

import java.util.List;
import java.util.Locale;

/**
 * Every {@code pgrouter.*} configuration key that {@link RoutingDataSource#fromProperties} accepts (and the Spring
 * Boot properties bind), with its default and meaning: the one list of them, as pgjdbc's {@code PGProperty} is for
 * the driver's. docs/configuration.md documents the same keys, checked by a test.
 *
 * <p>A property may have several keys: a node setting has one for the primary and one per replica
 * ({@code pgrouter.primary.url}, {@code pgrouter.replicas[i].url}), a pool setting one per role
 * ({@code pgrouter.pool.primary.minimum-idle}, {@code pgrouter.pool.replica.minimum-idle}), a TLS setting one
 * shared by every node and one per node. Every node setting has keys for the cutover target's nodes too
 * ({@code pgrouter.cutover.target.primary.url}, {@code pgrouter.cutover.target.replicas[i].password}). In {@link #keys()}, {@code [i]} stands for a replica's index (from 0,
 * without gaps) and {@code <name>} for a free-form part.
 */
public enum RouterProperty {

    /** A node's name. */
    NAME(Scope.NODE, "name", "`primary`; replicas `replica-<i+1>`", "Node name; its pool is pgrouter-<name>"),
    /** A node's URL. */
    URL(Scope.NODE, "url", "required, or host", "jdbc:postgresql: URL of the node, without credentials"),
    /** Where a node's probes connect instead of its URL. */
    PROBE_URL(
            Scope.NODE,
            "probe-url",
            "the node's url",
            "jdbc:postgresql: URL the health monitor uses instead of url (PostgreSQL itself, the pool through PgBouncer)"),
    /** A node's host, instead of its URL. */
    HOST(Scope.NODE, "host", "none", "The node's host, instead of url"),
    /** A node's port, with its host. */
    PORT(Scope.NODE, "port", "5432; replicas the primary's (environment)", "The node's port, with host"),
    /** A node's database, with its host. */
    DATABASE(Scope.NODE, "database", "the user's name", "The node's database, with host"),
    /** A node's login user. */
    USERNAME(Scope.NODE, "username", "required; replicas the primary's", "Login user"),
    /** A node's password. */
    PASSWORD(Scope.NODE, "password", "none; replicas the primary's", "Password (masked everywhere)", true),
    /** A file holding a node's password. */
    PASSWORD_FILE(Scope.NODE, "password-file", "none", "Reads the password from a file; not with password"),
    /** An extra pgjdbc connection property of a node. */
    JDBC_PROPERTY(Scope.NODE, "properties.<name>", "none", "Extra pgjdbc property; user and password are refused"),
    /** A replica's weight. */
    WEIGHT(Scope.REPLICA, "weight", "1", "Share for the weighted selector, 1 to 1000"),

    /** TLS: pgjdbc's sslmode. */
    SSL_MODE(
            Scope.ROUTER_AND_NODE,
            "ssl.mode",
            "verify-full when a certificate file is set, else pgjdbc's",
            "pgjdbc sslmode: disable, allow, prefer, require, verify-ca, verify-full"),
    /** TLS: the CA certificate. */
    SSL_ROOT_CERT(
            Scope.ROUTER_AND_NODE,
            "ssl.root-cert",
            "none",
            "CA certificate (PEM) that signed the servers' certificates"),
    /** TLS: the client certificate. */
    SSL_CERT(Scope.ROUTER_AND_NODE, "ssl.cert", "none", "Client certificate (PEM), with key"),
    /** TLS: the client key. */
    SSL_KEY(Scope.ROUTER_AND_NODE, "ssl.key", "none", "Client key: PKCS#8 DER, or a PKCS#12 key store"),
    /** TLS: the client key's password. */
    SSL_KEY_PASSWORD(Scope.ROUTER_AND_NODE, "ssl.key-password", "none", "Password of the client key (masked)", true),

    /** The health monitor's own login user. */
    PROBE_USERNAME(Scope.ROUTER, "probe.username", "each node's user", "The health monitor's own login user"),
    /** Its password. */
    PROBE_PASSWORD(Scope.ROUTER, "probe.password", "none", "The probe user's password (masked)", true),
    /** A file holding its password. */
    PROBE_PASSWORD_FILE(Scope.ROUTER, "probe.password-file", "none", "A file holding the probe user's password"),

    /** The replica selector. */
    SELECTION(
            Scope.ROUTER,
            "selection",
            "least-in-flight",
            "How a replica is chosen for a read: one of " + String.join(", ", Selection.keys())),
    /** Whether reads fall back to the primary. */
    FALLBACK_TO_PRIMARY(
            Scope.ROUTER, "fallback-to-primary", "true", "Whether reads go to the primary when no replica can serve"),
    /** Whether a broken read runs once more. */
    RETRY_READS(
            Scope.ROUTER,
            "retry-reads",
            "true",
            "Whether a read whose first statement broke before anything came back runs once more elsewhere"),
    /** How long a connection that must be on the primary waits for one while the primary is known down. */
    PRIMARY_DOWN_WAIT(
            Scope.ROUTER,
            "primary-down-wait",
            "probe interval + probe timeout",
            "How long a write waits for a primary while the primary is known down, before it fails"),
    /** Whether the router listens for switchover notices on the primary. */
    SWITCHOVER_NOTICES(
            Scope.ROUTER,
            "switchover.notices",
            "true",
            "Whether the router keeps one connection to the primary that listens for switchover notices"),
    /** Whether reads may use replicas. */
    REPLICAS_ENABLED(Scope.ROUTER, "replicas-enabled", "true", "Whether reads may use replicas at all"),
    /** Spring Boot's switch for the auto-configuration; the core accepts and ignores it. */
    ENABLED(Scope.ROUTER, "enabled", "true", "Spring Boot only: whether the auto-configuration creates the router"),
    /** How long a node's circuit breaker stays open. */
    FAILED_REPLICA_BACKOFF(
            Scope.ROUTER,
            "failed-replica-backoff",
            "5s",
            "How long a node's circuit breaker stays open before a probe may close it"),
    /** How often the health monitor probes. */
    PROBE_INTERVAL(Scope.ROUTER, "probe.interval", "500ms", "How often every node is probed (at least 50ms)"),
    /** How long a probe may take. */
    PROBE_TIMEOUT(
            Scope.ROUTER,
            "probe.timeout",
            "80% of the interval",
            "How long a probe may take before it counts as failed; below the interval"),
    /** Whether connections on a frozen node are aborted. */
    PROBE_ABORT_ON_TIMEOUT(
            Scope.ROUTER,
            "probe.abort-on-timeout",
            "true",
            "Whether connections in use on a node whose probes time out twice in a row are aborted, while their work can move to another node"),
    /** Most WAL a replica may be behind. */
    LAG_MAX_BYTES(Scope.ROUTER, "lag.max-bytes", "16MB", "Most WAL a replica may be behind the primary"),
    /** Oldest change a replica may not have applied. */
    LAG_MAX_DELAY(Scope.ROUTER, "lag.max-delay", "5s", "Oldest change a replica may not have applied yet"),
    /** How stale a replica in rotation may become while the primary does not answer. */
    LAG_PRIMARY_AWAY_MAX_DELAY(
            Scope.ROUTER,
            "lag.primary-away-max-delay",
            "60s",
            "While the primary does not answer: the largest bound on a replica's staleness with which it stays in rotation (max-delay when smaller)"),
    /** Good probes before a replica returns. */
    LAG_REJOIN_AFTER(
            Scope.ROUTER,
            "lag.rejoin-after",
            "3",
            "Consecutive probes under both thresholds before an excluded replica returns"),
    /** How a commit's WAL position is learned for read-your-writes. */
    CONSISTENCY_MODE(
            Scope.ROUTER,
            "consistency.mode",
            "exact",
            "Read-your-writes capture: exact (one query after each writing transaction) or probe"),
    /** How long a read with a causal position waits for a replica. */
    CONSISTENCY_MAX_WAIT(
            Scope.ROUTER,
            "consistency.max-wait",
            "100ms",
            "Longest a read with a causal position waits for a replica to replay it before it goes to the primary"),
    /** Whether a causal session's reads also advance it, so that they never go back in time. */
    CONSISTENCY_MONOTONIC_READS(
            Scope.ROUTER,
            "consistency.monotonic-reads",
            "false",
            "Whether a session's reads also advance it (one query per read), so that its reads never go back in time"),
    /** Spring Boot's read-your-writes web filter; the core accepts and ignores it. */
    CONSISTENCY_ENABLED(
            Scope.ROUTER,
            "consistency.enabled",
            "false",
            "Spring Boot only: whether a servlet filter binds a causal session to each request"),
    /** The filter's header. */
    CONSISTENCY_HEADER(
            Scope.ROUTER,
            "consistency.header",
            "Pgrouter-Consistency",
            "Spring Boot only: the HTTP header that carries the causal token"),
    /** The filter's cookie. */
    CONSISTENCY_COOKIE(
            Scope.ROUTER,
            "consistency.cookie",
            "pgrouter-consistency",
            "Spring Boot only: the cookie that carries the causal token when the header is absent"),

    /** Where the router learns its nodes at run time. */
    TOPOLOGY_SOURCE(
            Scope.ROUTER,
            "topology.source",
            "static",
            "Where nodes are learned at run time: static (the configured ones), patroni or dns"),
    /** How often the topology source is asked. */
    TOPOLOGY_REFRESH_INTERVAL(
            Scope.ROUTER, "topology.refresh-interval", "1s", "How often the topology source is asked (at least 50ms)"),
    /** Patroni REST API base URLs. */
    TOPOLOGY_PATRONI_URLS(
            Scope.ROUTER,
            "topology.patroni.urls",
            "required for patroni",
            "Patroni REST API base URLs, comma-separated, asked in order until one answers"),
    /** The Patroni REST API's user. */
    TOPOLOGY_PATRONI_USERNAME(Scope.ROUTER, "topology.patroni.username", "none", "Patroni REST API user (basic auth)"),
    /** Its password. */
    TOPOLOGY_PATRONI_PASSWORD(
            Scope.ROUTER, "topology.patroni.password", "none", "Patroni REST API password (masked)", true),
    /** A file holding that password. */
    TOPOLOGY_PATRONI_PASSWORD_FILE(
            Scope.ROUTER,
            "topology.patroni.password-file",
            "none",
            "A file holding the Patroni REST API password; not with topology.patroni.password"),
    /** CA certificates for https endpoints. */
    TOPOLOGY_PATRONI_CA_CERT(
            Scope.ROUTER,
            "topology.patroni.ca-cert",
            "the JDK's trust store",
            "PEM file of the CA certificates that signed the Patroni REST API's certificate"),
    /** How long a Patroni request may take. */
    TOPOLOGY_PATRONI_TIMEOUT(
            Scope.ROUTER, "topology.patroni.timeout", "2s", "How long connecting and each Patroni request may take"),
    /** The DNS name whose addresses are the replicas. */
    TOPOLOGY_DNS_NAME(
            Scope.ROUTER, "topology.dns.name", "required for dns", "DNS name whose A/AAAA records are the replicas"),
    /** The replicas' port with DNS. */
    TOPOLOGY_DNS_PORT(Scope.ROUTER, "topology.dns.port", "5432", "PostgreSQL port of the replicas found through DNS"),
    /** Which DNS records list the replicas. */
    TOPOLOGY_DNS_RECORDS(
            Scope.ROUTER,
            "topology.dns.records",
            "a",
            "a: A/AAAA records on topology.dns.port; srv: SRV records, each with its own host and port"),
    /** How long a node that left keeps its connections in use before its pool closes. */
    TOPOLOGY_DRAIN_TIMEOUT(
            Scope.ROUTER,
            "topology.drain-timeout",
            "30s",
            "How long a replica that left may keep connections in use before its pool closes (aborting them)"),

    /** How often a router with a cutover target checks its readiness. */
    CUTOVER_READINESS_CHECK_INTERVAL(
            Scope.ROUTER,
            "cutover.readiness.check-interval",
            "5s",
            "How often the readiness of the cutover target is checked while the cutover is pending; at least 100ms"),
    /** How long the readiness conditions must hold before the light is GREEN. */
    CUTOVER_READINESS_STABLE_FOR(
            Scope.ROUTER,
            "cutover.readiness.stable-for",
            "30s",
            "How long every condition of the readiness light must hold before it turns GREEN"),

    /** HikariCP's maximumPoolSize, per node. */
    MAXIMUM_POOL_SIZE(Scope.POOL, "maximum-pool-size", "10", "HikariCP maximumPoolSize, per node"),
    /** HikariCP's minimumIdle. */
    MINIMUM_IDLE(Scope.POOL, "minimum-idle", "2", "HikariCP minimumIdle, 0 to maximum"),
    /** How long a caller waits for a connection. */
    CONNECTION_TIMEOUT(
            Scope.POOL,
            "connection-timeout",
            "primary 30s, replica 5s",
            "How long a caller waits for a connection from that pool; at least 250ms"),
    /** Connection age at which it is replaced. */
    MAX_LIFETIME(Scope.POOL, "max-lifetime", "30m", "Connection age at which it is replaced; 0 or at least 30s"),
    /** Idle time after which extra connections close. */
    IDLE_TIMEOUT(Scope.POOL, "idle-timeout", "10m", "Idle time after which connections above minimum-idle close"),
    /** When a held connection counts as a possible leak. */
    LEAK_DETECTION_THRESHOLD(
            Scope.POOL,
            "leak-detection-threshold",
            "0 (off)",
            "Logs a possible leak when a connection is held longer; 0 or at least 2s");

    /** The key prefixes, in a class of their own so that {@link Scope}'s constants can name them. */
    private static final class Prefix {
        static final String ROUTER = "pgrouter.";
        static final String PRIMARY = "pgrouter.primary.";
        static final String REPLICA = "pgrouter.replicas[i].";
        static final String POOL = "pgrouter.pool.";
        static final String TARGET_PRIMARY = "pgrouter.cutover.target.primary.";
        static final String TARGET_REPLICA = "pgrouter.cutover.target.replicas[i].";
    }

    /** Where a property's keys are: the prefixes of its setting. */
    private enum Scope {
        ROUTER(Prefix.ROUTER),
        // The cutover target's nodes take every node setting, under pgrouter.cutover.target.
        NODE(Prefix.PRIMARY, Prefix.REPLICA, Prefix.TARGET_PRIMARY, Prefix.TARGET_REPLICA),
        REPLICA(Prefix.REPLICA, Prefix.TARGET_REPLICA),
        ROUTER_AND_NODE(Prefix.ROUTER, Prefix.PRIMARY, Prefix.REPLICA, Prefix.TARGET_PRIMARY, Prefix.TARGET_REPLICA),
        POOL(Prefix.POOL + "primary.", Prefix.POOL + "replica.");

        private final List<String> prefixes;

        Scope(String... prefixes) {
            this.prefixes = List.of(prefixes);
        }
    }

    private final Scope scope;
    private final String setting;
    private final String defaultValue;
    private final String description;
    private final boolean secret;

    RouterProperty(Scope scope, String setting, String defaultValue, String description) {
        this(scope, setting, defaultValue, description, false);
    }

    RouterProperty(Scope scope, String setting, String defaultValue, String description, boolean secret) {
        this.scope = scope;
        this.setting = setting;
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    /** Every key of this property, {@code [i]} for a replica's index, {@code <name>} for a free-form part. */
    public List<String> keys() {
        return scope.prefixes.stream().map(prefix -> prefix + setting).toList();
    }

    /**
     * The router-wide key ({@code pgrouter.selection}, {@code pgrouter.ssl.mode}).
     *
     * @throws IllegalStateException for a property that is set per node or per pool only
     */
    public String key() {
        return keyWith(Prefix.ROUTER, "router-wide key");
    }

    /**
     * The primary's key ({@code pgrouter.primary.url}); a free-form part stays {@code <name>}.
     *
     * @throws IllegalStateException for a property that is not set per node
     */
    public String primaryKey() {
        return keyWith(Prefix.PRIMARY, "key for the primary");
    }

    /**
     * The key of replica {@code index} ({@code pgrouter.replicas[2].url}); a free-form part stays {@code <name>}.
     *
     * @throws IllegalStateException for a property that is not set per replica
     */
    public String replicaKey(int index) {
        return keyWith(Prefix.REPLICA, "key per replica").replace("[i]", "[" + index + "]");
    }

    /**
     * The key of the pools of {@code role} ({@code pgrouter.pool.replica.minimum-idle}).
     *
     * @throws IllegalStateException for a property that is not a pool setting
     */
    public String poolKey(NodeRole role) {
        return keyWith(Prefix.POOL + role.name().toLowerCase(Locale.ROOT) + ".", "pool key");
    }

    private String keyWith(String prefix, String what) {
        if (!scope.prefixes.contains(prefix)) {
            throw new IllegalStateException(this + " has no " + what + "; its keys are " + keys());
        }
        return prefix + setting;
    }

    /** The default, as text for people (it may depend on other settings: "80% of the interval"). */
    public String defaultValue() {
        return defaultValue;
    }

    /** What the property does, in one line. */
    public String description() {
        return description;
    }

    /** Whether the value is a secret, masked in messages, logs and the status. */
    public boolean isSecret() {
        return secret;
    }

    /** Whether the property can be set for one node ({@code pgrouter.primary.*}, {@code pgrouter.replicas[i].*}). */
    public boolean isPerNode() {
        return scope.prefixes.contains(Prefix.REPLICA);
    }
}
