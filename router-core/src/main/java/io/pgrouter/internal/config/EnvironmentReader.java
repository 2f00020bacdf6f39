package io.pgrouter.internal.config;

import static io.pgrouter.RouterProperty.CONNECTION_TIMEOUT;
import static io.pgrouter.RouterProperty.DATABASE;
import static io.pgrouter.RouterProperty.FALLBACK_TO_PRIMARY;
import static io.pgrouter.RouterProperty.HOST;
import static io.pgrouter.RouterProperty.MAXIMUM_POOL_SIZE;
import static io.pgrouter.RouterProperty.MAX_LIFETIME;
import static io.pgrouter.RouterProperty.MINIMUM_IDLE;
import static io.pgrouter.RouterProperty.NAME;
import static io.pgrouter.RouterProperty.PASSWORD;
import static io.pgrouter.RouterProperty.PORT;
import static io.pgrouter.RouterProperty.PROBE_PASSWORD;
import static io.pgrouter.RouterProperty.PROBE_PASSWORD_FILE;
import static io.pgrouter.RouterProperty.PROBE_USERNAME;
import static io.pgrouter.RouterProperty.REPLICAS_ENABLED;
import static io.pgrouter.RouterProperty.SSL_CERT;
import static io.pgrouter.RouterProperty.SSL_KEY;
import static io.pgrouter.RouterProperty.SSL_KEY_PASSWORD;
import static io.pgrouter.RouterProperty.SSL_MODE;
import static io.pgrouter.RouterProperty.SSL_ROOT_CERT;
import static io.pgrouter.RouterProperty.USERNAME;

import io.pgrouter.NodeRole;
import io.pgrouter.PoolSettings;
import io.pgrouter.RouterProperty;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a {@link RouterConfig} from environment variables by translating them to {@code pgrouter.*} properties;
 * errors name the property and the variable it came from.
 *
 * <p>Pool variables follow the SQLAlchemy conventions they are named after: {@code DB_POOL_SIZE} connections
 * are kept ({@code minimum-idle}), up to {@code DB_MAX_OVERFLOW} more are opened under load
 * ({@code maximum-pool-size = size + overflow}; overflow defaults to 10 when only the size is set),
 * {@code DB_POOL_TIMEOUT} is the wait for a connection in seconds ({@code connection-timeout}),
 * {@code DB_POOL_RECYCLE} the age in seconds at which a connection is replaced ({@code max-lifetime}; -1 for
 * never). Replicas use the {@code DB_REPLICA_*} variables and share {@code DB_POOL_RECYCLE}.
 */
public final class EnvironmentReader {

    /** SQLAlchemy's default overflow, used when only the pool size is set. */
    static final int DEFAULT_OVERFLOW = 10;

    private static final String TOPOLOGY_PREFIX = "pgrouter.topology.";

    private final Function<String, String> env;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> origins = new HashMap<>();

    private EnvironmentReader(Function<String, String> env) {
        this.env = env;
    }

    /**
     * Reads and validates.
     *
     * @param env the variables; returns {@code null} for an unset one
     * @throws IllegalArgumentException naming the variable and its bad value
     */
    public static RouterConfig read(Function<String, String> env) {
        EnvironmentReader reader = new EnvironmentReader(env);
        reader.translate();
        return PropertiesReader.read(reader.properties, reader::label);
    }

    private String label(String key) {
        String origin = origins.get(key);
        return origin == null ? key : key + " (from " + origin + ")";
    }

    private String get(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private void put(String key, String value, String origin) {
        // The origin is kept even without a value: "required" errors then name the variable too.
        origins.put(key, origin);
        if (value != null) {
            properties.put(key, value);
        }
    }

    private void translate() {
        String host = get("POSTGRES_HOST");
        if (host == null) {
            throw new IllegalArgumentException(
                    "POSTGRES_HOST is required to configure the router from the environment");
        }
        String port = get("POSTGRES_PORT");
        String database = get("POSTGRES_DATABASE");
        put(HOST.primaryKey(), host, "POSTGRES_HOST");
        put(PORT.primaryKey(), port, "POSTGRES_PORT");
        put(DATABASE.primaryKey(), database == null ? "" : database, "POSTGRES_DATABASE");
        put(USERNAME.primaryKey(), get("POSTGRES_USER"), "POSTGRES_USER");
        put(PASSWORD.primaryKey(), env.apply("POSTGRES_PASSWORD"), "POSTGRES_PASSWORD");
        replicas(port, database);
        pool(NodeRole.PRIMARY, "DB_POOL_SIZE", "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT", PoolSettings.PRIMARY_DEFAULTS);
        pool(
                NodeRole.REPLICA,
                "DB_REPLICA_POOL_SIZE",
                "DB_REPLICA_MAX_OVERFLOW",
                "DB_REPLICA_POOL_TIMEOUT",
                PoolSettings.REPLICA_DEFAULTS);
        put(REPLICAS_ENABLED.key(), get("USE_READ_REPLICA"), "USE_READ_REPLICA");
        put(FALLBACK_TO_PRIMARY.key(), get("REPLICA_FALLBACK_ENABLED"), "REPLICA_FALLBACK_ENABLED");
        for (RouterProperty tls : List.of(SSL_MODE, SSL_ROOT_CERT, SSL_CERT, SSL_KEY, SSL_KEY_PASSWORD)) {
            // pgrouter.ssl.root-cert -> POSTGRES_SSL_ROOT_CERT
            String variable = "POSTGRES_"
                    + tls.key()
                            .substring("pgrouter.".length())
                            .replace('.', '_')
                            .replace('-', '_')
                            .toUpperCase(Locale.ROOT);
            // Secrets are taken as they are: a password may begin or end with a space.
            put(tls.key(), tls.isSecret() ? env.apply(variable) : get(variable), variable);
        }
        put(PROBE_USERNAME.key(), get("POSTGRES_PROBE_USER"), "POSTGRES_PROBE_USER");
        put(PROBE_PASSWORD.key(), env.apply("POSTGRES_PROBE_PASSWORD"), "POSTGRES_PROBE_PASSWORD");
        put(PROBE_PASSWORD_FILE.key(), get("POSTGRES_PROBE_PASSWORD_FILE"), "POSTGRES_PROBE_PASSWORD_FILE");
        for (RouterProperty topology : topologyProperties()) {
            String variable = topologyVariable(topology);
            put(topology.key(), topology.isSecret() ? env.apply(variable) : get(variable), variable);
        }
    }

    /** The {@code pgrouter.topology.*} properties, each router-wide. */
    static List<RouterProperty> topologyProperties() {
        return Arrays.stream(RouterProperty.values())
                .filter(p -> p.keys().size() == 1 && p.keys().get(0).startsWith(TOPOLOGY_PREFIX))
                .toList();
    }

    /**
     * The variable of a {@code pgrouter.topology.*} key: the key in capitals, {@code .} and {@code -} as {@code _}
     * ({@code pgrouter.topology.patroni.urls -> PGROUTER_TOPOLOGY_PATRONI_URLS}), the form Spring Boot binds too.
     */
    static String topologyVariable(RouterProperty property) {
        return property.key().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    // POSTGRES_REPLICA_HOST: "host", "host:port" or "[ipv6]:port", comma-separated. Replicas log in like the
    // primary: PropertiesReader gives replicas without credentials the primary's.
    private void replicas(String primaryPort, String database) {
        String hosts = get("POSTGRES_REPLICA_HOST");
        if (hosts == null) {
            return;
        }
        String replicaPort = get("POSTGRES_REPLICA_PORT");
        int index = 0;
        for (String entry : hosts.split(",")) {
            String item = entry.trim();
            if (item.isEmpty()) {
                continue;
            }
            String host = item;
            String port = replicaPort != null ? replicaPort : primaryPort;
            String portOrigin = replicaPort != null ? "POSTGRES_REPLICA_PORT" : "POSTGRES_PORT";
            int colon = item.lastIndexOf(':');
            boolean bareIpv6 = item.indexOf(':') != colon && !item.startsWith("[");
            if (colon > 0 && !bareIpv6 && !item.endsWith("]")) {
                host = item.substring(0, colon);
                port = item.substring(colon + 1);
                portOrigin = "POSTGRES_REPLICA_HOST";
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            put(NAME.replicaKey(index), "replica-" + (index + 1), "POSTGRES_REPLICA_HOST");
            put(HOST.replicaKey(index), host, "POSTGRES_REPLICA_HOST");
            put(PORT.replicaKey(index), port, portOrigin);
            put(DATABASE.replicaKey(index), database == null ? "" : database, "POSTGRES_DATABASE");
            index++;
        }
    }

    private void pool(NodeRole role, String sizeVar, String overflowVar, String timeoutVar, PoolSettings defaults) {
        String size = get(sizeVar);
        String overflow = get(overflowVar);
        if (size != null || overflow != null) {
            int minimumIdle = size == null ? defaults.minimumIdle() : nonNegative(sizeVar, size);
            int extra = overflow == null ? DEFAULT_OVERFLOW : nonNegative(overflowVar, overflow);
            put(MINIMUM_IDLE.poolKey(role), Integer.toString(minimumIdle), size == null ? "default" : sizeVar);
            put(MAXIMUM_POOL_SIZE.poolKey(role), Integer.toString(minimumIdle + extra), sizeVar + " + " + overflowVar);
        }
        String timeout = get(timeoutVar);
        put(
                CONNECTION_TIMEOUT.poolKey(role),
                timeout == null ? null : seconds(timeoutVar, timeout, false) + "ms",
                timeoutVar);
        String recycle = get("DB_POOL_RECYCLE");
        put(
                MAX_LIFETIME.poolKey(role),
                recycle == null ? null : seconds("DB_POOL_RECYCLE", recycle, true) + "ms",
                "DB_POOL_RECYCLE");
    }

    private static int nonNegative(String name, String text) {
        int value = ValueParsers.integer(name, text);
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be at least 0, was '" + text + "'");
        }
        return value;
    }

    /** Seconds (decimals allowed) to milliseconds; -1 means "no limit" (0) where {@code minusOneIsNone}. */
    private static long seconds(String name, String text, boolean minusOneIsNone) {
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, was '" + text + "'");
        }
        if (minusOneIsNone && value.compareTo(BigDecimal.ONE.negate()) == 0) {
            return 0;
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " must not be negative"
                    + (minusOneIsNone ? " (except -1 for no limit)" : "") + ", was '" + text + "'");
        }
        return value.movePointRight(3).longValue();
    }
}
