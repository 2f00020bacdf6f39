package io.pgrouter.spring.autoconfigure;

import io.pgrouter.LagThresholds;
import io.pgrouter.Selection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code pgrouter.*} properties: the same keys, meanings and defaults as {@code RoutingDataSource.fromProperties}
 * (see {@code docs/configuration.md}). The primary's address and credentials default to the application's
 * {@code JdbcConnectionDetails} bean, else {@code spring.datasource.*}. Unknown {@code pgrouter.*} keys stop startup,
 * so that a typo does not silently keep a default.
 */
@ConfigurationProperties(prefix = "pgrouter", ignoreUnknownFields = false)
public class PgRouterProperties {

    /** Whether pgrouter provides the application's DataSource when a primary is configured. */
    private boolean enabled = true;

    /**
     * The primary; where its url (or host), username and password are not set they come from the application's
     * JdbcConnectionDetails bean (@ServiceConnection, Docker Compose), else from spring.datasource.url, .username and
     * .password.
     */
    private final Node primary = new Node();

    /** The replicas, in order; their username and password default to the primary's. */
    private List<Replica> replicas = new ArrayList<>();

    /** Whether reads may use replicas at all; switchable at run time through the pgrouter actuator endpoint. */
    private boolean replicasEnabled = true;

    /** Whether reads go to the primary when no replica can serve; otherwise they fail. */
    private boolean fallbackToPrimary = true;

    /**
     * Whether a read whose first statement fails because its connection broke (SQLSTATE class 08, 57P01 to 57P03, or
     * a node the health monitor cut off) before anything came back runs once more on another replica, or the primary
     * by fallback. Writes never run twice.
     */
    private boolean retryReads = true;

    /**
     * How reads pick a replica: least-in-flight (the default), round-robin, random, weighted or lowest-lag. Not
     * together with a ReplicaSelector bean, which replaces it.
     */
    private Selection selection;

    /** How long a node's circuit breaker stays open after failures before a probe may close it again. */
    private Duration failedReplicaBackoff = Duration.ofSeconds(5);
    /**
     * How long a write waits for a primary while the primary is known down, before it fails; unset: one probe
     * interval plus one probe timeout.
     */
    private Duration primaryDownWait;

    /** Health monitor settings. */
    private final Probe probe = new Probe();

    /** When replicas leave and rejoin rotation. */
    private final Lag lag = new Lag();

    /** HikariCP settings per role. */
    private final Pools pool = new Pools();

    /** TLS for every node's pool and probe connections; a node's own ssl.* settings override these one by one. */
    private final Ssl ssl = new Ssl();
    /** Read-your-writes across requests and services. */
    private final Consistency consistency = new Consistency();
    /** How the router hears of a switchover run elsewhere (see docs/switchover.md). */
    private final Switchover switchover = new Switchover();
    /** Nodes that join and leave while the router runs: where they are learned, how they leave. */
    private final Topology topology = new Topology();
    /** The cluster a cutover moves to, and how its readiness is watched (see docs/cutover.md). */
    private final Cutover cutover = new Cutover();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Node getPrimary() {
        return primary;
    }

    public List<Replica> getReplicas() {
        return replicas;
    }

    public void setReplicas(List<Replica> replicas) {
        this.replicas = replicas;
    }

    public boolean isReplicasEnabled() {
        return replicasEnabled;
    }

    public void setReplicasEnabled(boolean replicasEnabled) {
        this.replicasEnabled = replicasEnabled;
    }

    public boolean isFallbackToPrimary() {
        return fallbackToPrimary;
    }

    public void setFallbackToPrimary(boolean fallbackToPrimary) {
        this.fallbackToPrimary = fallbackToPrimary;
    }

    public boolean isRetryReads() {
        return retryReads;
    }

    public void setRetryReads(boolean retryReads) {
        this.retryReads = retryReads;
    }

    /** The selection set, or {@code null} for the default ({@link Selection#LEAST_IN_FLIGHT}). */
    public Selection getSelection() {
        return selection;
    }

    public void setSelection(Selection selection) {
        this.selection = selection;
    }

    public Duration getPrimaryDownWait() {
        return primaryDownWait;
    }

    public void setPrimaryDownWait(Duration primaryDownWait) {
        this.primaryDownWait = primaryDownWait;
    }

    public Duration getFailedReplicaBackoff() {
        return failedReplicaBackoff;
    }

    public void setFailedReplicaBackoff(Duration failedReplicaBackoff) {
        this.failedReplicaBackoff = failedReplicaBackoff;
    }

    public Probe getProbe() {
        return probe;
    }

    public Lag getLag() {
        return lag;
    }

    public Pools getPool() {
        return pool;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public Consistency getConsistency() {
        return consistency;
    }

    public Switchover getSwitchover() {
        return switchover;
    }

    public Topology getTopology() {
        return topology;
    }

    public Cutover getCutover() {
        return cutover;
    }

    /** A cutover to another cluster fed by logical replication (see docs/cutover.md). */
    public static class Cutover {

        /** The cluster a cutover moves to; none unless its primary's url (or host) is set. */
        private final Target target = new Target();

        /** How the target's readiness is watched while the cutover is pending. */
        private final Readiness readiness = new Readiness();

        public Target getTarget() {
            return target;
        }

        public Readiness getReadiness() {
            return readiness;
        }
    }

    /** The cutover target's nodes: the same settings as the router's own primary and replicas. */
    public static class Target {

        /** The target's primary; its name must differ from every current node's. */
        private final Node primary = new Node();

        /** The target's replicas, in order; their username and password default to the target primary's. */
        private List<Replica> replicas = new ArrayList<>();

        public Node getPrimary() {
            return primary;
        }

        public List<Replica> getReplicas() {
            return replicas;
        }

        public void setReplicas(List<Replica> replicas) {
            this.replicas = replicas;
        }
    }

    /** How often the readiness is checked and how long it must hold before GREEN. */
    public static class Readiness {

        /** How often the target's readiness is checked while the cutover is pending; at least 100ms. */
        private Duration checkInterval = Duration.ofSeconds(5);

        /** How long every condition of the readiness light must hold before it turns GREEN. */
        private Duration stableFor = Duration.ofSeconds(30);

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }

        public Duration getStableFor() {
            return stableFor;
        }

        public void setStableFor(Duration stableFor) {
            this.stableFor = stableFor;
        }
    }

    /** Where nodes are learned while the router runs (see docs/topology.md). */
    public static class Topology {

        /** Where nodes are learned at run time: static (the configured ones only), patroni or dns. */
        private String source = "static";

        /** How often the topology source is asked (at least 50ms). */
        private Duration refreshInterval = Duration.ofSeconds(1);

        /** How long a replica that left may keep connections in use before its pool closes, aborting them. */
        private Duration drainTimeout = Duration.ofSeconds(30);

        /** Patroni's REST API. */
        private final Patroni patroni = new Patroni();

        /** DNS records that list the replicas. */
        private final Dns dns = new Dns();

        public String getSource() {
            return source;
        }

        public void setSource(String source) {
            this.source = source;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        public Duration getDrainTimeout() {
            return drainTimeout;
        }

        public void setDrainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
        }

        public Patroni getPatroni() {
            return patroni;
        }

        public Dns getDns() {
            return dns;
        }
    }

    /** Patroni's REST API as a topology source. */
    public static class Patroni {

        /** REST API base URLs (http://host:8008), comma-separated, asked in order until one answers. */
        private String urls;

        /** The REST API's user (HTTP basic). */
        private String username;

        /** Its password; never logged or shown. */
        private String password;

        /** A file holding that password (a mounted secret); not with password. */
        private String passwordFile;

        /** PEM file of the CA certificates that signed the REST API's certificate (https). */
        private String caCert;

        /** How long connecting and each request may take. */
        private Duration timeout = Duration.ofSeconds(2);

        public String getUrls() {
            return urls;
        }

        public void setUrls(String urls) {
            this.urls = urls;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getPasswordFile() {
            return passwordFile;
        }

        public void setPasswordFile(String passwordFile) {
            this.passwordFile = passwordFile;
        }

        public String getCaCert() {
            return caCert;
        }

        public void setCaCert(String caCert) {
            this.caCert = caCert;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** A DNS name whose records are the replicas, as a topology source. */
    public static class Dns {

        /** The name whose records are the replicas (a Kubernetes headless service, say). */
        private String name;

        /** The replicas' PostgreSQL port, for A/AAAA records. */
        private int port = 5432;

        /** a (A and AAAA records, on port) or srv (SRV records, each with its host and port). */
        private String records = "a";

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getRecords() {
            return records;
        }

        public void setRecords(String records) {
            this.records = records;
        }
    }

    /** {@code pgrouter.switchover.*}. */
    public static class Switchover {

        /**
         * Whether the router keeps one connection to the primary that listens for switchover notices; without it the
         * router learns of a switchover elsewhere from its next probe round.
         */
        private boolean notices = true;

        public boolean isNotices() {
            return notices;
        }

        public void setNotices(boolean notices) {
            this.notices = notices;
        }
    }

    /** Read-your-writes: causal sessions and their tokens (see docs/consistency.md). */
    public static class Consistency {

        /** Whether a servlet filter binds a causal session to each request, from and back to its header or cookie. */
        private boolean enabled;

        /** How a commit's WAL position is learned: exact (one query after each writing transaction) or probe. */
        private io.pgrouter.ConsistencyMode mode = io.pgrouter.ConsistencyMode.EXACT;

        /** Longest a read with a position waits for a replica to replay it before it goes to the primary. */
        private Duration maxWait = Duration.ofMillis(100);

        /**
         * Whether a session's reads also advance it (one query when a read's connection closes), so that its reads
         * never go back in time.
         */
        private boolean monotonicReads;

        /** HTTP header that carries the token, in requests and responses. */
        private String header = "Pgrouter-Consistency";

        /** Cookie that carries the token when the header is absent; rewritten on responses to requests that sent it. */
        private String cookie = "pgrouter-consistency";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public io.pgrouter.ConsistencyMode getMode() {
            return mode;
        }

        public void setMode(io.pgrouter.ConsistencyMode mode) {
            this.mode = mode;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        public boolean isMonotonicReads() {
            return monotonicReads;
        }

        public void setMonotonicReads(boolean monotonicReads) {
            this.monotonicReads = monotonicReads;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public String getCookie() {
            return cookie;
        }

        public void setCookie(String cookie) {
            this.cookie = cookie;
        }
    }

    /**
     * A login: a node's, or the health monitor's own ({@code pgrouter.probe.*}, whose descriptions
     * additional-spring-configuration-metadata.json words for the probe).
     */
    public abstract static class Login {

        /** Login user. */
        private String username;

        /** Login password; never logged or shown. */
        private String password;

        /** File to read the password from (trailing newline removed); not together with password. */
        private String passwordFile;

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getPasswordFile() {
            return passwordFile;
        }

        public void setPasswordFile(String passwordFile) {
            this.passwordFile = passwordFile;
        }
    }

    /** One database server. */
    public static class Node extends Login {

        /** The node's name, shown in status, health, metrics and the pool name pgrouter-<name>; default primary, replica-<i+1>. */
        private String name;

        /** JDBC URL (jdbc:postgresql://host:port/database), without credentials; not together with host, port, database. */
        private String url;

        /**
         * JDBC URL the health monitor connects to instead of url: PostgreSQL itself when the pool goes through
         * PgBouncer; default the node's url.
         */
        private String probeUrl;

        /** Host name or IP address: an alternative to url. */
        private String host;

        /** Port, with host; default 5432. */
        private Integer port;

        /** Database name, with host; default the user's name. */
        private String database;

        /** Extra pgjdbc connection properties (ssl, sslmode, ApplicationName, ...). */
        private Map<String, String> properties = new LinkedHashMap<>();

        /** TLS for this node, overriding pgrouter.ssl.* setting by setting. */
        private final Ssl ssl = new Ssl();

        public Ssl getSsl() {
            return ssl;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getProbeUrl() {
            return probeUrl;
        }

        public void setProbeUrl(String probeUrl) {
            this.probeUrl = probeUrl;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getDatabase() {
            return database;
        }

        public void setDatabase(String database) {
            this.database = database;
        }

        public Map<String, String> getProperties() {
            return properties;
        }

        public void setProperties(Map<String, String> properties) {
            this.properties = properties;
        }

        @Override
        public String toString() {
            // Without the password: bound properties end up in logs and the configprops endpoint's neighbours.
            return "Node[name=" + name + ", url=" + url + ", host=" + host + ", port=" + port + ", database=" + database
                    + ", username=" + getUsername() + "]";
        }
    }

    /** TLS settings: pgjdbc's sslmode, sslrootcert, sslcert, sslkey and sslpassword. */
    public static class Ssl {

        /**
         * disable, allow, prefer, require, verify-ca or verify-full; default verify-full when any file is set, else
         * pgjdbc's (prefer, unverified).
         */
        private String mode;

        /** The CA certificate (PEM) that signed the servers' certificates; required by verify-ca and verify-full. */
        private String rootCert;

        /** Client certificate (PEM), for client-certificate authentication. */
        private String cert;

        /** The client certificate's key: PKCS#8 DER (.pk8), or a PKCS#12 key store (.p12) holding certificate and key. */
        private String key;

        /** Password of the client key; never logged or shown. */
        private String keyPassword;

        public String getMode() {
            return mode;
        }

        public void setMode(String mode) {
            this.mode = mode;
        }

        public String getRootCert() {
            return rootCert;
        }

        public void setRootCert(String rootCert) {
            this.rootCert = rootCert;
        }

        public String getCert() {
            return cert;
        }

        public void setCert(String cert) {
            this.cert = cert;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getKeyPassword() {
            return keyPassword;
        }

        public void setKeyPassword(String keyPassword) {
            this.keyPassword = keyPassword;
        }

        @Override
        public String toString() {
            return "Ssl[mode=" + mode + ", rootCert=" + rootCert + ", cert=" + cert + ", key=" + key + ", keyPassword="
                    + (keyPassword == null ? "<none>" : "<masked>") + "]";
        }
    }

    /** A streaming replica. */
    public static class Replica extends Node {

        /** Share of reads for the weighted selector, 1 to 1000. */
        private int weight = 1;

        public int getWeight() {
            return weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }
    }

    /** How the health monitor probes every node. */
    public static class Probe extends Login {

        /** How often every node is probed (at least 50ms). */
        private Duration interval = Duration.ofMillis(500);

        /** How long a probe may take before it fails and its connection is cut, below the interval; default 80% of the interval. */
        private Duration timeout;

        /** Whether connections in use on a node whose probe timed out are aborted, so blocked statements fail at once. */
        private boolean abortOnTimeout = true;

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public boolean isAbortOnTimeout() {
            return abortOnTimeout;
        }

        public void setAbortOnTimeout(boolean abortOnTimeout) {
            this.abortOnTimeout = abortOnTimeout;
        }
    }

    /** Replication lag thresholds. */
    public static class Lag {

        /** Most WAL a replica may be behind the primary (1048576, 512KB, 16MB, 1GB). */
        private DataSize maxBytes = DataSize.ofMegabytes(16);

        /** Oldest change a replica may not have applied yet. */
        private Duration maxDelay = Duration.ofSeconds(5);

        /** Consecutive probes under both thresholds before an excluded replica returns. */
        private int rejoinAfter = 3;

        /**
         * While the primary does not answer: the largest bound on a replica's staleness with which it stays in
         * rotation (max-delay when smaller).
         */
        private Duration primaryAwayMaxDelay = LagThresholds.DEFAULT_PRIMARY_AWAY_MAX_DELAY;

        public DataSize getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(DataSize maxBytes) {
            this.maxBytes = maxBytes;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public int getRejoinAfter() {
            return rejoinAfter;
        }

        public void setRejoinAfter(int rejoinAfter) {
            this.rejoinAfter = rejoinAfter;
        }

        public Duration getPrimaryAwayMaxDelay() {
            return primaryAwayMaxDelay;
        }

        public void setPrimaryAwayMaxDelay(Duration primaryAwayMaxDelay) {
            this.primaryAwayMaxDelay = primaryAwayMaxDelay;
        }
    }

    /** Pool settings of the primary's pool and of each replica's pool. */
    public static class Pools {

        /** The primary's HikariCP pool. */
        private final Pool primary = new Pool();

        /** Each replica's HikariCP pool. */
        private final Pool replica = new Pool();

        public Pool getPrimary() {
            return primary;
        }

        public Pool getReplica() {
            return replica;
        }
    }

    /** HikariCP settings of one pool; unset values keep the router's defaults. */
    public static class Pool {

        /** The most connections the pool holds (HikariCP maximumPoolSize); default 10. */
        private Integer maximumPoolSize;

        /** Idle connections the pool keeps ready, 0 to the maximum; default 2. */
        private Integer minimumIdle;

        /** How long a caller waits for a connection, at least 250ms; default 30s for the primary, 5s for replicas. */
        private Duration connectionTimeout;

        /** Connection age at which it is replaced, 0 (no limit) or at least 30s; default 30m. */
        private Duration maxLifetime;

        /** Idle time after which connections above minimum-idle close, 0 or at least 10s; default 10m, or half the max lifetime if that is shorter. */
        private Duration idleTimeout;

        /** How long a connection may be held before a possible leak is logged, 0 (off) or at least 2s; default 0. */
        private Duration leakDetectionThreshold;

        public Integer getMaximumPoolSize() {
            return maximumPoolSize;
        }

        public void setMaximumPoolSize(Integer maximumPoolSize) {
            this.maximumPoolSize = maximumPoolSize;
        }

        public Integer getMinimumIdle() {
            return minimumIdle;
        }

        public void setMinimumIdle(Integer minimumIdle) {
            this.minimumIdle = minimumIdle;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }

        public Duration getMaxLifetime() {
            return maxLifetime;
        }

        public void setMaxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Duration getLeakDetectionThreshold() {
            return leakDetectionThreshold;
        }

        public void setLeakDetectionThreshold(Duration leakDetectionThreshold) {
            this.leakDetectionThreshold = leakDetectionThreshold;
        }
    }
}
