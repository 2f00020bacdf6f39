package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import io.pgrouter.testkit.PostgresReplicaSet.Provider;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a replica set is made of; immutable, so that equal specs can share one running cluster.
 *
 * @param version the PostgreSQL version asked for
 * @param replicas how many replicas
 * @param database database name
 * @param user superuser name
 * @param password superuser password
 * @param basePort fixed primary port, replicas after it; 0 for free ports
 * @param provider where servers come from
 * @param startupTimeout how long a server may take to start or a replica to stream
 * @param settings extra server settings for every node
 * @param networkFaults whether nodes get network faults
 * @param networkMechanism the mechanism for them, or {@code null} for the kit's choice
 * @param tls whether every node runs with TLS on and refuses other connections (replication excepted)
 * @param clientCertificates whether nodes also require a client certificate signed by the kit's CA
 */
public record ReplicaSetSpec(
        Version version,
        int replicas,
        String database,
        String user,
        String password,
        int basePort,
        Provider provider,
        Duration startupTimeout,
        Map<String, String> settings,
        boolean networkFaults,
        Mechanism networkMechanism,
        boolean tls,
        boolean clientCertificates) {

    /** Major versions the embedded binaries and the replica set's SQL support. */
    public static final int MIN_MAJOR = 15;
    /** Newest major version supported. */
    public static final int MAX_MAJOR = 18;

    /** Settings the replica set owns: overriding them would break replication or the kit's control. */
    private static final Set<String> RESERVED = Set.of(
            "port",
            "listen_addresses",
            "unix_socket_directories",
            "wal_level",
            "hot_standby",
            "max_wal_senders",
            "max_replication_slots",
            "primary_conninfo",
            "primary_slot_name",
            "data_directory",
            "hba_file",
            "ident_file",
            "config_file",
            "restore_command",
            "ssl",
            "ssl_cert_file",
            "ssl_key_file",
            "ssl_ca_file");

    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+)\\.(\\d+))?");

    public ReplicaSetSpec {
        settings = Map.copyOf(settings);
        if (clientCertificates && !tls) {
            throw new IllegalArgumentException("clientCertificates needs tls: start with tls(true) too");
        }
    }

    /** The spec without TLS, as existing callers make it. */
    public ReplicaSetSpec(
            Version version,
            int replicas,
            String database,
            String user,
            String password,
            int basePort,
            Provider provider,
            Duration startupTimeout,
            Map<String, String> settings,
            boolean networkFaults,
            Mechanism networkMechanism) {
        this(
                version,
                replicas,
                database,
                user,
                password,
                basePort,
                provider,
                startupTimeout,
                settings,
                networkFaults,
                networkMechanism,
                false,
                false);
    }

    /** Rejects a server setting the replica set controls itself. */
    public static void checkSetting(String name) {
        if (!name.matches("[a-z_][a-z0-9_.]*")) {
            throw new IllegalArgumentException("setting name must be a PostgreSQL parameter name, was '" + name + "'");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException(
                    "setting '" + name + "' is managed by the replica set and cannot be overridden; reserved: "
                            + RESERVED.stream().sorted().toList());
        }
    }

    /** Parses {@code "18"} or {@code "18.4.0"}; rejects anything outside 15 to 18. */
    public static Version parseVersion(String text) {
        Matcher m = VERSION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "version must be a major version (\"18\") or an exact release (\"18.4.0\"), was '" + text + "'");
        }
        int major = Integer.parseInt(m.group(1));
        if (major < MIN_MAJOR || major > MAX_MAJOR) {
            throw new IllegalArgumentException("PostgreSQL version " + text
                    + " is not supported: use a major version from " + MIN_MAJOR + " to " + MAX_MAJOR);
        }
        return new Version(major, m.group(2) == null ? null : text.trim());
    }

    @Override
    public String toString() {
        // The password stays out: specs appear in logs and JUnit store keys.
        return "ReplicaSetSpec[version=" + version + ", replicas=" + replicas + ", database=" + database + ", user="
                + user
                + ", basePort=" + basePort + ", provider=" + provider + ", settings=" + settings
                + (networkFaults ? ", networkFaults=" + (networkMechanism == null ? "auto" : networkMechanism) : "")
                + (tls ? ", tls" + (clientCertificates ? " with client certificates" : "") : "") + "]";
    }

    /**
     * A PostgreSQL version asked for.
     *
     * @param major the major version
     * @param exact an exact release of the embedded binaries, or {@code null} for the kit's pinned one
     */
    public record Version(int major, String exact) {
        @Override
        public String toString() {
            return exact != null ? exact : Integer.toString(major);
        }
    }
}
