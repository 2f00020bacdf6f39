package io.pgrouter.internal.config;

import io.pgrouter.LagThresholds;
import io.pgrouter.NodeRole;
import io.pgrouter.PoolSettings;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.UnknownNodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The router's configuration, validated once and immutable. Every validation error is an
 * {@link IllegalArgumentException} naming the property key (and, when the value came from an environment
 * variable, that variable) and the bad value; secrets are never shown.
 *
 * @param primary the primary node
 * @param replicas the replicas in configuration order
 * @param primaryPool pool settings for the primary
 * @param replicaPool pool settings for each replica
 * @param selector chooses among eligible replicas
 * @param fallbackToPrimary whether reads go to the primary when no replica can serve
 * @param replicasEnabled whether reads may use replicas at start
 * @param failedReplicaBackoff how long a node's circuit breaker stays open before a probe may close it again
 * @param monitor how the health monitor probes
 * @param lag when replicas leave and rejoin rotation
 * @param abortOnProbeTimeout whether connections handed out on a node whose probe timed out are aborted
 * @param probeLogin the health monitor's own login, or {@code null} for each node's user
 * @param retryReads whether a read whose first statement broke before returning anything runs again on another node
 * @param switchoverNotices whether the router listens for switchover notices on the primary (one connection there)
 * @param primaryDownWait how long a connection that must be on the primary waits for one while the primary is known
 *     down; {@code null} for one probe interval plus one probe timeout
 * @param consistency read-your-writes settings
 * @param topology how nodes that join and leave at run time are followed
 */
public record RouterConfig(
        NodeConfig primary,
        List<NodeConfig> replicas,
        PoolSettings primaryPool,
        PoolSettings replicaPool,
        ReplicaSelector selector,
        boolean fallbackToPrimary,
        boolean replicasEnabled,
        Duration failedReplicaBackoff,
        MonitorSettings monitor,
        LagThresholds lag,
        boolean abortOnProbeTimeout,
        ProbeLogin probeLogin,
        boolean retryReads,
        boolean switchoverNotices,
        Duration primaryDownWait,
        ConsistencySettings consistency,
        TopologySettings topology) {

    /** The longest {@link #primaryDownWait()}: a write holds its thread while it waits. */
    public static final Duration LONGEST_PRIMARY_DOWN_WAIT = Duration.ofMinutes(5);

    /** {@link #primaryDownWait()}, or its default: one probe interval plus one probe timeout. */
    public Duration primaryDownWaitOrDefault() {
        return primaryDownWait != null ? primaryDownWait : monitor.interval().plus(monitor.timeout());
    }

    /** Default for {@link #failedReplicaBackoff()}. */
    public static final Duration DEFAULT_FAILED_REPLICA_BACKOFF = Duration.ofSeconds(5);
    /** Default for {@code pgrouter.probe.interval}. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);

    public RouterConfig {
        replicas = List.copyOf(replicas);
    }

    /**
     * This configuration with other nodes and everything else kept: the router of the cluster a cutover moves to.
     */
    public RouterConfig withNodes(NodeConfig newPrimary, List<NodeConfig> newReplicas) {
        return new RouterConfig(
                newPrimary,
                newReplicas,
                primaryPool,
                replicaPool,
                selector,
                fallbackToPrimary,
                replicasEnabled,
                failedReplicaBackoff,
                monitor,
                lag,
                abortOnProbeTimeout,
                probeLogin,
                retryReads,
                switchoverNotices,
                primaryDownWait,
                consistency,
                topology);
    }

    /** All nodes, the primary first. */
    public List<NodeConfig> nodes() {
        List<NodeConfig> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    /**
     * The nodes as the health monitor connects to them: at each node's probe URL where it has one, with the
     * {@linkplain #probeLogin() probe login} when one is set ({@link NodeConfig#forProbes}).
     */
    public List<NodeConfig> probeNodes() {
        return nodes().stream().map(this::probeNode).toList();
    }

    /** {@code node} as the health monitor connects to it: with the probe login when one is set. */
    public NodeConfig probeNode(NodeConfig node) {
        return node.forProbes(probeLogin);
    }

    /**
     * A replica that joins at run time: this name and URL, with the primary's login, connection properties and TLS
     * settings (as a configured replica without credentials of its own), weight 1.
     *
     * @throws IllegalArgumentException if the name or the URL is not valid, naming the value
     */
    public NodeConfig joiningReplica(String name, String jdbcUrl) {
        ConfigChecks.nodeName("replica name", name);
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the URL of replica '" + name + "' must start with jdbc:postgresql:,"
                    + " was '" + (jdbcUrl == null ? null : Secrets.maskUrl(jdbcUrl)) + "'");
        }
        return new NodeConfig(
                name, NodeRole.REPLICA, jdbcUrl, primary.username(), primary.password(), primary.properties(), 1);
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Assembles a configuration; {@link #build()} validates it. Not thread-safe. */
    public static final class Builder {
        private NodeDraft primary;
        private final List<NodeDraft> replicas = new ArrayList<>();
        private PoolSettings primaryPool = PoolSettings.PRIMARY_DEFAULTS;
        private PoolSettings replicaPool = PoolSettings.REPLICA_DEFAULTS;
        private ReplicaSelector selector;
        private boolean fallbackToPrimary = true;
        private boolean replicasEnabled = true;
        private Duration failedReplicaBackoff = DEFAULT_FAILED_REPLICA_BACKOFF;
        private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
        private Duration probeTimeout;
        private boolean abortOnProbeTimeout = true;
        private boolean retryReads = true;
        private boolean switchoverNotices = true;
        private Duration primaryDownWait;
        private Long lagMaxBytes;
        private Duration lagMaxDelay;
        private Integer rejoinAfter;
        private Duration lagPrimaryAwayMaxDelay;
        private UnaryOperator<String> keyLabels = UnaryOperator.identity();
        private final Map<String, String> ssl = new LinkedHashMap<>();
        private final NodeDraft probeLogin = new NodeDraft("pgrouter.probe", "probe");
        private io.pgrouter.ConsistencyMode consistencyMode = ConsistencySettings.DEFAULTS.mode();
        private Duration consistencyMaxWait = ConsistencySettings.DEFAULT_MAX_WAIT;
        private boolean consistencyMonotonicReads;
        private Duration drainTimeout = TopologySettings.DEFAULT_DRAIN_TIMEOUT;
        private String topologySource = "static";
        private Duration topologyRefreshInterval = TopologySettings.DEFAULT_REFRESH_INTERVAL;
        private final List<String> patroniUrls = new ArrayList<>();
        private String patroniUsername;
        private String patroniPassword;
        private String patroniPasswordFile;
        private String patroniCaCert;
        private Duration patroniTimeout = TopologySettings.DEFAULT_PATRONI_TIMEOUT;
        private String dnsName;
        private String dnsPort = "5432";
        private String dnsRecords = "a";

        private Builder() {}

        /** The primary's draft, created on first use. */
        public NodeDraft primary() {
            if (primary == null) {
                primary = new NodeDraft("pgrouter.primary", "primary");
            }
            return primary;
        }

        /** The draft of the replica at {@code index}, created (with the ones before it) on first use. */
        public NodeDraft replica(int index) {
            while (replicas.size() <= index) {
                replicas.add(new NodeDraft(
                        "pgrouter.replicas[" + replicas.size() + "]", "replica-" + (replicas.size() + 1)));
            }
            return replicas.get(index);
        }

        /** A new replica draft after the existing ones. */
        public NodeDraft addReplica() {
            return replica(replicas.size());
        }

        /**
         * The draft of the node with this name (primary or replica).
         *
         * @throws UnknownNodeException if none was added with that name
         */
        public NodeDraft node(String name) {
            List<NodeDraft> all = new ArrayList<>(replicas.size() + 1);
            if (primary != null) {
                all.add(primary);
            }
            all.addAll(replicas);
            return all.stream()
                    .filter(n -> Objects.equals(n.name, name))
                    .findFirst()
                    .orElseThrow(() -> UnknownNodeException.node(
                            name, all.stream().map(NodeDraft::name).toList()));
        }

        public Builder primaryPool(PoolSettings settings) {
            primaryPool = Objects.requireNonNull(settings, "primary pool settings");
            return this;
        }

        public Builder replicaPool(PoolSettings settings) {
            replicaPool = Objects.requireNonNull(settings, "replica pool settings");
            return this;
        }

        public Builder selector(ReplicaSelector value) {
            selector = Objects.requireNonNull(value, "selector");
            return this;
        }

        public Builder fallbackToPrimary(boolean value) {
            fallbackToPrimary = value;
            return this;
        }

        public Builder replicasEnabled(boolean value) {
            replicasEnabled = value;
            return this;
        }

        public Builder failedReplicaBackoff(Duration value) {
            failedReplicaBackoff = Objects.requireNonNull(value, "failedReplicaBackoff");
            return this;
        }

        public Builder probeInterval(Duration value) {
            probeInterval = Objects.requireNonNull(value, "probeInterval");
            return this;
        }

        /** The probe timeout; default 80% of the interval. */
        public Builder probeTimeout(Duration value) {
            probeTimeout = Objects.requireNonNull(value, "probeTimeout");
            return this;
        }

        public Builder abortOnProbeTimeout(boolean value) {
            abortOnProbeTimeout = value;
            return this;
        }

        public Builder retryReads(boolean value) {
            retryReads = value;
            return this;
        }

        public Builder switchoverNotices(boolean value) {
            switchoverNotices = value;
            return this;
        }

        public Builder primaryDownWait(Duration value) {
            primaryDownWait = value;
            return this;
        }

        public Builder lagMaxBytes(long value) {
            lagMaxBytes = value;
            return this;
        }

        public Builder lagMaxDelay(Duration value) {
            lagMaxDelay = Objects.requireNonNull(value, "lagMaxDelay");
            return this;
        }

        public Builder lagPrimaryAwayMaxDelay(Duration value) {
            lagPrimaryAwayMaxDelay = Objects.requireNonNull(value, "lagPrimaryAwayMaxDelay");
            return this;
        }

        public Builder rejoinAfter(int value) {
            rejoinAfter = value;
            return this;
        }

        public Builder consistencyMode(io.pgrouter.ConsistencyMode value) {
            consistencyMode = Objects.requireNonNull(value, "consistencyMode");
            return this;
        }

        public Builder consistencyMaxWait(Duration value) {
            consistencyMaxWait = Objects.requireNonNull(value, "consistencyMaxWait");
            return this;
        }

        public Builder consistencyMonotonicReads(boolean value) {
            consistencyMonotonicReads = value;
            return this;
        }

        /** How long a node that left may keep its connections in use before its pool closes anyway. */
        public Builder drainTimeout(Duration value) {
            drainTimeout = Objects.requireNonNull(value, "drainTimeout");
            return this;
        }

        /** {@code static}, {@code patroni} or {@code dns}. */
        public Builder topologySource(String value) {
            topologySource = value;
            return this;
        }

        public Builder topologyRefreshInterval(Duration value) {
            topologyRefreshInterval = Objects.requireNonNull(value, "topologyRefreshInterval");
            return this;
        }

        /** Patroni REST API base URLs, added to those given before. */
        public Builder patroniUrls(List<String> urls) {
            urls.stream().map(String::trim).filter(u -> !u.isEmpty()).forEach(patroniUrls::add);
            return this;
        }

        public Builder patroniUsername(String value) {
            patroniUsername = value;
            return this;
        }

        public Builder patroniPassword(String value) {
            patroniPassword = value;
            return this;
        }

        /** A file holding the Patroni REST API's password; read by {@link #build()}. */
        public Builder patroniPasswordFile(String path) {
            patroniPasswordFile = path;
            return this;
        }

        public Builder patroniCaCert(String path) {
            patroniCaCert = path;
            return this;
        }

        public Builder patroniTimeout(Duration value) {
            patroniTimeout = Objects.requireNonNull(value, "patroniTimeout");
            return this;
        }

        public Builder dnsName(String value) {
            dnsName = value;
            return this;
        }

        /** {@code a} or {@code srv}. */
        public Builder dnsRecords(String value) {
            dnsRecords = value;
            return this;
        }

        public Builder dnsPort(String value) {
            dnsPort = value;
            return this;
        }

        /** All the lag thresholds at once. */
        public Builder lag(LagThresholds value) {
            Objects.requireNonNull(value, "lag thresholds");
            lagMaxBytes = value.maxBytes();
            lagMaxDelay = value.maxDelay();
            rejoinAfter = value.rejoinAfter();
            lagPrimaryAwayMaxDelay = value.primaryAwayMaxDelay();
            return this;
        }

        /**
         * A TLS setting for every node ({@code mode}, {@code root-cert}, {@code cert}, {@code key},
         * {@code key-password}: the keys after {@code pgrouter.ssl.}); a node's own {@code ssl.*} overrides it.
         */
        public Builder ssl(String setting, String value) {
            if (!TlsChecks.SETTINGS.contains(setting)) {
                throw new IllegalArgumentException("unknown TLS setting pgrouter.ssl." + setting);
            }
            ssl.put(setting, value);
            return this;
        }

        /** The health monitor's login: {@code username}, {@code password} or {@code password-file}. */
        public Builder probeLogin(String setting, String value) {
            if (!List.of("username", "password", "password-file").contains(setting)) {
                throw new IllegalArgumentException("unknown probe login setting pgrouter.probe." + setting);
            }
            probeLogin.set(setting, value);
            return this;
        }

        /**
         * How errors name a key: readers of other sources (environment variables) say where a value came from,
         * e.g. {@code pgrouter.pool.primary.minimum-idle (from DB_POOL_SIZE)}.
         */
        public Builder keyLabels(UnaryOperator<String> labels) {
            keyLabels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /**
         * Validates and freezes the configuration; reads password files.
         *
         * @throws IllegalArgumentException naming the first bad key and its value
         */
        public RouterConfig build() {
            ConfigChecks checks = new ConfigChecks(keyLabels);
            if (primary == null) {
                throw new IllegalArgumentException(
                        checks.label("pgrouter.primary.url") + " is required: configure the primary's url (or host)");
            }
            NodeConfig primaryNode = checks.node(primary, NodeRole.PRIMARY, null, ssl);
            List<NodeConfig> replicaNodes = new ArrayList<>();
            for (NodeDraft draft : replicas) {
                replicaNodes.add(checks.node(draft, NodeRole.REPLICA, primary, ssl));
            }
            ProbeLogin probe = checks.probeLogin(probeLogin);
            checks.uniqueNames(primaryNode, replicaNodes, replicas);
            checks.pool("pgrouter.pool.primary.", primaryPool);
            checks.pool("pgrouter.pool.replica.", replicaPool);
            checks.notNegative("pgrouter.failed-replica-backoff", failedReplicaBackoff);
            MonitorSettings monitor = checks.get(() -> probeTimeout == null
                    ? MonitorSettings.every(probeInterval)
                    : new MonitorSettings(probeInterval, probeTimeout, MonitorSettings.DEFAULT_HISTORY_SIZE));
            LagThresholds defaults = LagThresholds.ofDefaults();
            LagThresholds lag = checks.get(() -> new LagThresholds(
                    lagMaxBytes != null ? lagMaxBytes : defaults.maxBytes(),
                    lagMaxDelay != null ? lagMaxDelay : defaults.maxDelay(),
                    rejoinAfter != null ? rejoinAfter : defaults.rejoinAfter(),
                    lagPrimaryAwayMaxDelay != null ? lagPrimaryAwayMaxDelay : defaults.primaryAwayMaxDelay()));
            checks.notNegative("pgrouter.consistency.max-wait", consistencyMaxWait);
            if (primaryDownWait != null) {
                checks.notNegative("pgrouter.primary-down-wait", primaryDownWait);
                checks.atMost("pgrouter.primary-down-wait", primaryDownWait, LONGEST_PRIMARY_DOWN_WAIT);
            }
            checks.atMost("pgrouter.consistency.max-wait", consistencyMaxWait, ConsistencySettings.LONGEST_MAX_WAIT);
            return new RouterConfig(
                    primaryNode,
                    replicaNodes,
                    primaryPool,
                    replicaPool,
                    selector != null ? selector : ReplicaSelector.leastInFlight(),
                    fallbackToPrimary,
                    replicasEnabled,
                    failedReplicaBackoff,
                    monitor,
                    lag,
                    abortOnProbeTimeout,
                    probe,
                    retryReads,
                    switchoverNotices,
                    primaryDownWait,
                    new ConsistencySettings(consistencyMode, consistencyMaxWait, consistencyMonotonicReads),
                    topology(checks));
        }

        private TopologySettings topology(ConfigChecks checks) {
            List<java.net.URI> urls = new ArrayList<>();
            for (String url : patroniUrls) {
                try {
                    java.net.URI uri = new java.net.URI(url);
                    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
                    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                        throw new java.net.URISyntaxException(url, "not an http(s)://host:port URL");
                    }
                    if (uri.getUserInfo() != null) {
                        throw new IllegalArgumentException(checks.label("pgrouter.topology.patroni.urls")
                                + " must not hold credentials; use "
                                + checks.label("pgrouter.topology.patroni.username")
                                + " and password (URL of host " + uri.getHost() + ")");
                    }
                    urls.add(uri);
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException(checks.label("pgrouter.topology.patroni.urls")
                            + " must hold http(s)://host:port URLs, was '" + url + "'");
                }
            }
            int port = checks.integer("pgrouter.topology.dns.port", dnsPort);
            String password = checks.password("pgrouter.topology.patroni.", patroniPassword, patroniPasswordFile);
            return checks.get(() -> new TopologySettings(
                    topologySource,
                    topologyRefreshInterval,
                    drainTimeout,
                    urls,
                    patroniUsername,
                    password,
                    patroniCaCert,
                    patroniTimeout,
                    dnsName,
                    port,
                    dnsRecords));
        }
    }
}
