package io.pgrouter.internal.config;

import io.pgrouter.NodeRole;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * One node's validated connection settings. The password stays out of {@link #toString()}, as do the values of
 * extra properties whose name mentions a password or key.
 *
 * @param name unique node name; the pool is {@code pgrouter-<name>}
 * @param role configured role
 * @param jdbcUrl a {@code jdbc:postgresql:} URL without credentials
 * @param username the user to log in as
 * @param password the password, from the configuration or a password file; may be {@code null} (trust, cert auth)
 * @param properties extra pgjdbc connection properties ({@code ssl}, {@code ApplicationName}, ...)
 * @param weight relative share for the weighted selector, at least 1
 * @param probeUrl where the health monitor connects instead of {@code jdbcUrl} (PostgreSQL itself while the pool goes
 *     through PgBouncer), or {@code null} for {@code jdbcUrl}
 */
public record NodeConfig(
        String name,
        NodeRole role,
        String jdbcUrl,
        String username,
        String password,
        Map<String, String> properties,
        int weight,
        String probeUrl) {

    /** A node whose probes connect where its pool does. */
    public NodeConfig(
            String name,
            NodeRole role,
            String jdbcUrl,
            String username,
            String password,
            Map<String, String> properties,
            int weight) {
        this(name, role, jdbcUrl, username, password, properties, weight, null);
    }

    public NodeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        properties = Map.copyOf(properties);
    }

    /**
     * What pgjdbc connects with: the extra properties plus {@code user} and {@code password} when set. A new object
     * each call, which the caller may add to (the health probe adds its timeouts).
     */
    public Properties connectionProperties() {
        return PgjdbcProperties.login(properties, username, password);
    }

    /** {@code pgrouter-<name>}. */
    public String poolName() {
        return "pgrouter-" + name;
    }

    /**
     * The node as the health monitor connects to it: at {@code probeUrl} when one is set, as {@code login} when one is
     * given, with the same TLS and extra properties.
     */
    public NodeConfig forProbes(ProbeLogin login) {
        return new NodeConfig(
                name,
                role,
                probeUrl != null ? probeUrl : jdbcUrl,
                login != null ? login.username() : username,
                login != null ? login.password() : password,
                properties,
                weight);
    }

    @Override
    public String toString() {
        StringBuilder props = new StringBuilder("{");
        properties.forEach((key, value) -> props.append(props.length() > 1 ? ", " : "")
                .append(key)
                .append('=')
                .append(Secrets.isSecretKey(key) ? Secrets.MASK : value));
        return "NodeConfig[name=" + name + ", role=" + role + ", jdbcUrl=" + Secrets.maskUrl(jdbcUrl)
                + ", username=" + username + ", password=" + (password == null ? "<none>" : Secrets.MASK)
                + ", properties=" + props.append('}') + ", weight=" + weight
                + (probeUrl == null ? "" : ", probeUrl=" + Secrets.maskUrl(probeUrl)) + "]";
    }
}
