package io.pgrouter.internal.config;

import io.pgrouter.PoolSettings;
import io.pgrouter.Selection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link RouterConfig} from {@code pgrouter.*} properties, the keys of the Spring Boot properties. Keys
 * outside {@code pgrouter.} are ignored (the map may be a whole environment); an unknown {@code pgrouter.} key is
 * an error, with the closest known key suggested, so that a typo does not silently keep a default.
 */
public final class PropertiesReader {

    private static final String NODE_SETTINGS = "name|url|host|port|database|username|password|password-file"
            + "|ssl\\.mode|ssl\\.root-cert|ssl\\.cert|ssl\\.key|ssl\\.key-password";
    private static final String POOL_SETTINGS =
            "maximum-pool-size|minimum-idle|connection-timeout|max-lifetime|idle-timeout|leak-detection-threshold";
    private static final Pattern PRIMARY = Pattern.compile("pgrouter\\.primary\\.(" + NODE_SETTINGS + ")");
    private static final Pattern REPLICA = Pattern.compile("pgrouter\\.replicas\\[(\\d{1,3})]\\.(" + NODE_SETTINGS + "|weight)");
    private static final Pattern PRIMARY_PROPERTY = Pattern.compile("pgrouter\\.primary\\.properties\\.(.+)");
    private static final Pattern REPLICA_PROPERTY = Pattern.compile("pgrouter\\.replicas\\[(\\d{1,3})]\\.properties\\.(.+)");
    private static final Pattern POOL = Pattern.compile("pgrouter\\.pool\\.(primary|replica)\\.(" + POOL_SETTINGS + ")");
    private static final Pattern SSL = Pattern.compile("pgrouter\\.ssl\\.(mode|root-cert|cert|key|key-password)");
    private static final Pattern PROBE_LOGIN = Pattern.compile("pgrouter\\.probe\\.(username|password|password-file)");
    private static final Pattern INDEX = Pattern.compile("\\[\\d+]");

    /** Every key without a free-form part, replica keys with index 0; the candidates for "did you mean". */
    static final List<String> KNOWN_KEYS = knownKeys();

    private PropertiesReader() {
    }

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
            Matcher m;
            if ((m = PRIMARY.matcher(key)).matches()) {
                config.primary().set(m.group(1), value);
            } else if ((m = PRIMARY_PROPERTY.matcher(key)).matches()) {
                config.primary().property(m.group(1), value);
            } else if ((m = REPLICA.matcher(key)).matches()) {
                int index = Integer.parseInt(m.group(1));
                replicaKeys.putIfAbsent(index, key);
                config.replica(index).set(m.group(2), value);
            } else if ((m = REPLICA_PROPERTY.matcher(key)).matches()) {
                int index = Integer.parseInt(m.group(1));
                replicaKeys.putIfAbsent(index, key);
                config.replica(index).property(m.group(2), value);
            } else if ((m = SSL.matcher(key)).matches()) {
                config.ssl(m.group(1), value);
            } else if ((m = PROBE_LOGIN.matcher(key)).matches()) {
                config.probeLogin(m.group(1), value);
            } else if ((m = POOL.matcher(key)).matches()) {
                pool(m.group(1).equals("primary") ? primaryPool : replicaPool, m.group(2), label, value);
            } else {
                topLevel(config, key, label, value);
            }
        }
        checkNoGaps(replicaKeys, labels);
        return config.primaryPool(primaryPool.build()).replicaPool(replicaPool.build()).build();
    }

    private static void topLevel(RouterConfig.Builder config, String key, String label, String value) {
        switch (key) {
            // Spring Boot's switch for the auto-configuration: known here so that a whole environment can be passed in.
            case "pgrouter.enabled" -> ValueParsers.bool(label, value);
            case "pgrouter.replicas-enabled" -> config.replicasEnabled(ValueParsers.bool(label, value));
            case "pgrouter.fallback-to-primary" -> config.fallbackToPrimary(ValueParsers.bool(label, value));
            case "pgrouter.failed-replica-backoff" -> config.failedReplicaBackoff(ValueParsers.duration(label, value));
            case "pgrouter.probe.interval" -> config.probeInterval(ValueParsers.duration(label, value));
            case "pgrouter.probe.timeout" -> config.probeTimeout(ValueParsers.duration(label, value));
            case "pgrouter.probe.abort-on-timeout" -> config.abortOnProbeTimeout(ValueParsers.bool(label, value));
            case "pgrouter.retry-reads" -> config.retryReads(ValueParsers.bool(label, value));
            case "pgrouter.lag.max-bytes" -> config.lagMaxBytes(ValueParsers.bytes(label, value));
            case "pgrouter.lag.max-delay" -> config.lagMaxDelay(ValueParsers.duration(label, value));
            case "pgrouter.lag.rejoin-after" -> config.rejoinAfter(ValueParsers.integer(label, value));
            case "pgrouter.consistency.mode" -> {
                try {
                    config.consistencyMode(io.pgrouter.ConsistencyMode.of(value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(label + " must be one of "
                            + String.join(", ", io.pgrouter.ConsistencyMode.keys()) + ", was '" + value + "'");
                }
            }
            case "pgrouter.consistency.max-wait" -> config.consistencyMaxWait(ValueParsers.duration(label, value));
            // The Spring web filter's settings: known here so that a whole environment can be passed in.
            case "pgrouter.consistency.enabled" -> ValueParsers.bool(label, value);
            case "pgrouter.consistency.header", "pgrouter.consistency.cookie" -> {
                // free text, used by router-spring only
            }
            case "pgrouter.selection" -> {
                try {
                    config.selector(Selection.of(value).newSelector());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(label + " must be one of " + String.join(", ", Selection.keys())
                            + ", was '" + value + "'");
                }
            }
            default -> throw unknownKey(key);
        }
    }

    private static void pool(PoolSettings.Builder pool, String setting, String label, String value) {
        switch (setting) {
            case "maximum-pool-size" -> pool.maximumPoolSize(ValueParsers.integer(label, value));
            case "minimum-idle" -> pool.minimumIdle(ValueParsers.integer(label, value));
            case "connection-timeout" -> pool.connectionTimeout(ValueParsers.duration(label, value));
            case "max-lifetime" -> pool.maxLifetime(ValueParsers.duration(label, value));
            case "idle-timeout" -> pool.idleTimeout(ValueParsers.duration(label, value));
            default -> pool.leakDetectionThreshold(ValueParsers.duration(label, value));
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
                ? "; did you mean '" + best.replace("[0]", found) + "'?" : "";
        return new IllegalArgumentException("unknown configuration key '" + key + "'" + hint);
    }

    private static List<String> knownKeys() {
        TreeSet<String> keys = new TreeSet<>();
        for (String setting : NODE_SETTINGS.replace("\\", "").split("\\|")) {
            keys.add("pgrouter.primary." + setting);
            keys.add("pgrouter.replicas[0]." + setting);
        }
        keys.add("pgrouter.replicas[0].weight");
        for (String setting : POOL_SETTINGS.split("\\|")) {
            keys.add("pgrouter.pool.primary." + setting);
            keys.add("pgrouter.pool.replica." + setting);
        }
        keys.addAll(List.of("pgrouter.enabled", "pgrouter.replicas-enabled", "pgrouter.fallback-to-primary", "pgrouter.retry-reads", "pgrouter.selection",
                "pgrouter.failed-replica-backoff", "pgrouter.probe.interval", "pgrouter.probe.timeout",
                "pgrouter.probe.abort-on-timeout", "pgrouter.lag.max-bytes", "pgrouter.lag.max-delay",
                "pgrouter.lag.rejoin-after", "pgrouter.probe.username", "pgrouter.probe.password",
                "pgrouter.probe.password-file", "pgrouter.consistency.mode", "pgrouter.consistency.max-wait",
                "pgrouter.consistency.enabled", "pgrouter.consistency.header", "pgrouter.consistency.cookie"));
        for (String setting : TlsChecks.SETTINGS) {
            keys.add("pgrouter.ssl." + setting);
        }
        return new ArrayList<>(keys);
    }
}
