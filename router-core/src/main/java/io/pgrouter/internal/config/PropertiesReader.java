package io.pgrouter.internal.config;

import io.pgrouter.PoolSettings;
import io.pgrouter.RouterProperty;
import io.pgrouter.Selection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link RouterConfig} from {@code pgrouter.*} properties, the keys of the Spring Boot properties. Keys
 * outside {@code pgrouter.} are ignored (the map may be a whole environment); an unknown {@code pgrouter.} key is
 * an error, with the closest known key suggested, so that a typo does not silently keep a default.
 */
public final class PropertiesReader {

    /** A node's key: the primary's or replica {@code group(2)}'s, its setting in {@code group(3)}. */
    private static final Pattern NODE_KEY = Pattern.compile("pgrouter\\.(primary|replicas\\[(\\d{1,3})])\\.(.+)");

    private static final Pattern POOL_KEY = Pattern.compile("pgrouter\\.pool\\.(primary|replica)\\..+");
    /** A replica index as keys spell it, and a free-form part; replaced by the forms {@link RouterProperty} uses. */
    private static final Pattern REPLICA_INDEX = Pattern.compile("\\.replicas\\[\\d{1,3}]\\.");

    private static final String TOPOLOGY_PREFIX = "pgrouter.topology.";

    private static final Pattern FREE_FORM = Pattern.compile("\\.properties\\..+");
    private static final Pattern INDEX = Pattern.compile("\\[\\d+]");

    /** Every key of {@link RouterProperty}, in its form with {@code [i]} and {@code <name>}. */
    private static final Map<String, RouterProperty> BY_KEY = byKey();

    /** Every key without a free-form part, replica keys with index 0; the candidates for "did you mean". */
    static final List<String> KNOWN_KEYS = BY_KEY.keySet().stream()
            .filter(key -> !key.contains("<"))
            .map(key -> key.replace("[i]", "[0]"))
            .sorted()
            .toList();

    /** The cutover's keys: read by {@link #readCutoverTarget} and {@link #readCutoverSettings}, not by {@link #read}. */
    private static final String CUTOVER = "pgrouter.cutover.";

    private static final String TARGET = CUTOVER + "target.";

    private static final String SSL = "pgrouter.ssl.";

    private PropertiesReader() {}

    /** Reads and validates; errors name the key as it appears in {@code properties}. */
    public static RouterConfig read(Map<String, String> properties) {
        return read(properties, UnaryOperator.identity());
    }

    /** Reads and validates; errors name each key through {@code labels} (which may add where it came from). */
    static RouterConfig read(Map<String, String> properties, UnaryOperator<String> labels) {
        RouterConfig.Builder config = RouterConfig.builder().keyLabels(labels);
        PoolSettings.Builder primaryPool = PoolSettings.from(PoolSettings.PRIMARY_DEFAULTS);
        PoolSettings.Builder replicaPool = PoolSettings.from(PoolSettings.REPLICA_DEFAULTS);
        TreeMap<Integer, String> replicaKeys = new TreeMap<>();
        // Sorted, so that the first error reported does not depend on the map's order.
        for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (!key.startsWith("pgrouter.")) {
                continue;
            }
            String label = labels.apply(key);
            if (value == null) {
                throw new IllegalArgumentException(label + " has no value");
            }
            RouterProperty property = propertyOf(key);
            if (property == null) {
                throw unknownKey(key);
            }
            if (key.startsWith(CUTOVER)) {
                continue;
            }
            Matcher node = NODE_KEY.matcher(key);
            Matcher pool = POOL_KEY.matcher(key);
            if (node.matches()) {
                NodeDraft draft = config.primary();
                if (node.group(2) != null) {
                    int index = Integer.parseInt(node.group(2));
                    replicaKeys.putIfAbsent(index, key);
                    draft = config.replica(index);
                }
                String setting = node.group(3);
                if (property == RouterProperty.JDBC_PROPERTY) {
                    draft.property(setting.substring("properties.".length()), value);
                } else {
                    draft.set(setting, value);
                }
            } else if (pool.matches()) {
                pool(pool.group(1).equals("primary") ? primaryPool : replicaPool, property, label, value);
            } else {
                routerWide(config, property, key.substring("pgrouter.".length()), label, value);
            }
        }
        checkNoGaps(replicaKeys, labels);
        return config.primaryPool(primaryPool.build())
                .replicaPool(replicaPool.build())
                .build();
    }

    /**
     * Applies {@code pgrouter.topology.*} keys to {@code config}, as {@link #read} does; a {@code null} value leaves
     * its key unset. What the values must be is checked when {@code config} is built, with the same messages.
     *
     * @throws IllegalArgumentException for a key outside {@code pgrouter.topology.} (with the closest known key for a
     *     typo), or a value that cannot be parsed, naming the key
     */
    public static void topology(RouterConfig.Builder config, Map<String, String> properties) {
        for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
            String key = entry.getKey();
            RouterProperty property = BY_KEY.get(key);
            if (property == null) {
                throw unknownKey(key);
            }
            if (!key.startsWith(TOPOLOGY_PREFIX)) {
                throw new IllegalArgumentException(key + " is not a " + TOPOLOGY_PREFIX + "* key");
            }
            if (entry.getValue() != null) {
                routerWide(config, property, key.substring("pgrouter.".length()), key, entry.getValue());
            }
        }
    }

    /** Whether {@code properties} configure a cutover target ({@code pgrouter.cutover.target.*} keys). */
    public static boolean hasCutoverTarget(Map<String, String> properties) {
        return properties.keySet().stream().anyMatch(key -> key.startsWith(TARGET));
    }

    /**
     * The cutover target's nodes from the {@code pgrouter.cutover.target.*} keys, read as the router's own node keys
     * are (errors name the target's key), with {@code routerTls} beneath each node's own TLS settings.
     *
     * @param routerTls the router's {@code pgrouter.ssl.*} settings, by their name after {@code ssl.}
     * @throws IllegalArgumentException naming the bad key and value, or when there is no target
     */
    public static RouterConfig readCutoverTarget(Map<String, String> properties, Map<String, String> routerTls) {
        Map<String, String> nodes = new HashMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(TARGET)) {
                // Only node settings have keys under pgrouter.cutover.target.
                if (propertyOf(key) == null) {
                    throw unknownKey(key);
                }
                nodes.put("pgrouter." + key.substring(TARGET.length()), entry.getValue());
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no " + TARGET + "* key: no cutover target is configured");
        }
        return read(
                withTlsUnder(nodes, routerTls),
                key -> key.startsWith(SSL) ? key : TARGET + key.substring("pgrouter.".length()));
    }

    /** The router-wide TLS settings ({@code pgrouter.ssl.*}) of {@code properties}, by their name after {@code ssl.}. */
    public static Map<String, String> routerTls(Map<String, String> properties) {
        Map<String, String> tls = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(SSL) && value != null) {
                tls.put(key.substring(SSL.length()), value);
            }
        });
        return tls;
    }

    /** {@code properties} without any TLS setting: no {@code pgrouter.ssl.*} key, no node's {@code ssl.*} key. */
    public static Map<String, String> withoutTls(Map<String, String> properties) {
        Map<String, String> plain = new HashMap<>(properties);
        plain.keySet().removeIf(key -> key.startsWith(SSL) || key.startsWith("pgrouter.") && key.contains(".ssl."));
        return plain;
    }

    /** {@code properties} with the router-wide TLS settings {@code tls} where they have none of their own. */
    public static Map<String, String> withTlsUnder(Map<String, String> properties, Map<String, String> tls) {
        Map<String, String> merged = new HashMap<>(properties);
        tls.forEach((setting, value) -> merged.putIfAbsent(SSL + setting, value));
        return merged;
    }

    /**
     * How a router watches its cutover target's readiness, from {@code pgrouter.cutover.readiness.*}.
     *
     * @throws IllegalArgumentException naming the bad key and value
     */
    public static CutoverSettings readCutoverSettings(Map<String, String> properties) {
        String interval = properties.get(RouterProperty.CUTOVER_READINESS_CHECK_INTERVAL.key());
        String stableFor = properties.get(RouterProperty.CUTOVER_READINESS_STABLE_FOR.key());
        return new CutoverSettings(
                interval == null
                        ? CutoverSettings.DEFAULT_CHECK_INTERVAL
                        : ValueParsers.duration(RouterProperty.CUTOVER_READINESS_CHECK_INTERVAL.key(), interval),
                stableFor == null
                        ? CutoverSettings.DEFAULT_STABLE_FOR
                        : ValueParsers.duration(RouterProperty.CUTOVER_READINESS_STABLE_FOR.key(), stableFor));
    }

    private static void routerWide(
            RouterConfig.Builder config, RouterProperty property, String setting, String label, String value) {
        switch (property) {
            // Spring Boot's switch for the auto-configuration: known here so that a whole environment can be passed in.
            case ENABLED -> ValueParsers.bool(label, value);
            case REPLICAS_ENABLED -> config.replicasEnabled(ValueParsers.bool(label, value));
            case FALLBACK_TO_PRIMARY -> config.fallbackToPrimary(ValueParsers.bool(label, value));
            case FAILED_REPLICA_BACKOFF -> config.failedReplicaBackoff(ValueParsers.duration(label, value));
            case PROBE_INTERVAL -> config.probeInterval(ValueParsers.duration(label, value));
            case PROBE_TIMEOUT -> config.probeTimeout(ValueParsers.duration(label, value));
            case PROBE_ABORT_ON_TIMEOUT -> config.abortOnProbeTimeout(ValueParsers.bool(label, value));
            case RETRY_READS -> config.retryReads(ValueParsers.bool(label, value));
            case SWITCHOVER_NOTICES -> config.switchoverNotices(ValueParsers.bool(label, value));
            case PRIMARY_DOWN_WAIT -> config.primaryDownWait(ValueParsers.duration(label, value));
            case LAG_MAX_BYTES -> config.lagMaxBytes(ValueParsers.bytes(label, value));
            case LAG_MAX_DELAY -> config.lagMaxDelay(ValueParsers.duration(label, value));
            case LAG_PRIMARY_AWAY_MAX_DELAY -> config.lagPrimaryAwayMaxDelay(ValueParsers.duration(label, value));
            case LAG_REJOIN_AFTER -> config.rejoinAfter(ValueParsers.integer(label, value));
            case PROBE_USERNAME, PROBE_PASSWORD, PROBE_PASSWORD_FILE ->
                config.probeLogin(setting.substring("probe.".length()), value);
            case SSL_MODE, SSL_ROOT_CERT, SSL_CERT, SSL_KEY, SSL_KEY_PASSWORD ->
                config.ssl(setting.substring("ssl.".length()), value);
            case CONSISTENCY_MODE -> {
                try {
                    config.consistencyMode(io.pgrouter.ConsistencyMode.of(value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(label + " must be one of "
                            + String.join(", ", io.pgrouter.ConsistencyMode.keys()) + ", was '" + value + "'");
                }
            }
            case CONSISTENCY_MAX_WAIT -> config.consistencyMaxWait(ValueParsers.duration(label, value));
            case CONSISTENCY_MONOTONIC_READS -> config.consistencyMonotonicReads(ValueParsers.bool(label, value));
            case TOPOLOGY_DRAIN_TIMEOUT -> config.drainTimeout(ValueParsers.duration(label, value));
            case TOPOLOGY_SOURCE -> config.topologySource(value);
            case TOPOLOGY_REFRESH_INTERVAL -> config.topologyRefreshInterval(ValueParsers.duration(label, value));
            case TOPOLOGY_PATRONI_URLS -> config.patroniUrls(List.of(value.split(",")));
            case TOPOLOGY_PATRONI_USERNAME -> config.patroniUsername(value);
            case TOPOLOGY_PATRONI_PASSWORD -> config.patroniPassword(value);
            case TOPOLOGY_PATRONI_PASSWORD_FILE -> config.patroniPasswordFile(value);
            case TOPOLOGY_PATRONI_CA_CERT -> config.patroniCaCert(value);
            case TOPOLOGY_PATRONI_TIMEOUT -> config.patroniTimeout(ValueParsers.duration(label, value));
            case TOPOLOGY_DNS_NAME -> config.dnsName(value);
            case TOPOLOGY_DNS_PORT -> config.dnsPort(value);
            case TOPOLOGY_DNS_RECORDS -> config.dnsRecords(value);
            // The Spring web filter's settings: known here so that a whole environment can be passed in.
            case CONSISTENCY_ENABLED -> ValueParsers.bool(label, value);
            case CONSISTENCY_HEADER, CONSISTENCY_COOKIE -> {
                // free text, used by router-spring only
            }
            case SELECTION -> {
                try {
                    config.selector(Selection.of(value).newSelector());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            label + " must be one of " + String.join(", ", Selection.keys()) + ", was '" + value + "'");
                }
            }
            default -> throw new IllegalStateException(property + " is not a router-wide setting");
        }
    }

    private static void pool(PoolSettings.Builder pool, RouterProperty setting, String label, String value) {
        switch (setting) {
            case MAXIMUM_POOL_SIZE -> pool.maximumPoolSize(ValueParsers.integer(label, value));
            case MINIMUM_IDLE -> pool.minimumIdle(ValueParsers.integer(label, value));
            case CONNECTION_TIMEOUT -> pool.connectionTimeout(ValueParsers.duration(label, value));
            case MAX_LIFETIME -> pool.maxLifetime(ValueParsers.duration(label, value));
            case IDLE_TIMEOUT -> pool.idleTimeout(ValueParsers.duration(label, value));
            case LEAK_DETECTION_THRESHOLD -> pool.leakDetectionThreshold(ValueParsers.duration(label, value));
            default -> throw new IllegalStateException(setting + " is not a pool setting");
        }
    }

    private static void checkNoGaps(TreeMap<Integer, String> replicaKeys, UnaryOperator<String> labels) {
        int expected = 0;
        for (Map.Entry<Integer, String> entry : replicaKeys.entrySet()) {
            if (entry.getKey() != expected) {
                throw new IllegalArgumentException(labels.apply(entry.getValue()) + " is set, but no pgrouter.replicas["
                        + expected + "] key is: replica indices must start at 0 and have no gaps");
            }
            expected++;
        }
    }

    /** The property of a concrete key ({@code pgrouter.replicas[2].properties.ApplicationName}), {@code null} if none. */
    private static RouterProperty propertyOf(String key) {
        return BY_KEY.get(FREE_FORM
                .matcher(REPLICA_INDEX.matcher(key).replaceFirst(".replicas[i]."))
                .replaceFirst(".properties.<name>"));
    }

    static IllegalArgumentException unknownKey(String key) {
        Matcher index = INDEX.matcher(key);
        String found = index.find() ? index.group() : "[0]";
        String normalized = INDEX.matcher(key).replaceAll("[0]");
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : KNOWN_KEYS) {
            int d = ValueParsers.distance(normalized, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        String hint = best != null && bestDistance <= Math.max(2, normalized.length() / 6)
                ? "; did you mean '" + best.replace("[0]", found) + "'?"
                : "";
        return new IllegalArgumentException("unknown configuration key '" + key + "'" + hint);
    }

    private static Map<String, RouterProperty> byKey() {
        Map<String, RouterProperty> keys = new HashMap<>();
        for (RouterProperty property : RouterProperty.values()) {
            property.keys().forEach(key -> keys.put(key, property));
        }
        return Map.copyOf(keys);
    }
}
