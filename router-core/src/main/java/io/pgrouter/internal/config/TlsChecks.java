package io.pgrouter.internal.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns the {@code ssl.*} settings (for all nodes under {@code pgrouter.ssl.}, per node under
 * {@code pgrouter.primary.ssl.} or {@code pgrouter.replicas[i].ssl.}, each node setting overriding the shared one)
 * into pgjdbc's connection properties, which the node's pool and its probe connection both use. Errors name the key
 * the value came from; the key password is never shown.
 */
final class TlsChecks {

    /** The settings after {@code ssl.}. */
    static final List<String> SETTINGS = List.of("mode", "root-cert", "cert", "key", "key-password");

    /** pgjdbc's {@code sslmode} values, weakest first. */
    static final List<String> MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private static final Map<String, String> PGJDBC_NAMES = Map.of(
            "mode",
            "sslmode",
            "root-cert",
            "sslrootcert",
            "cert",
            "sslcert",
            "key",
            "sslkey",
            "key-password",
            "sslpassword");

    /** The mode when TLS files are given and the mode is not: full verification, never a silent downgrade. */
    static final String DEFAULT_MODE = "verify-full";

    private final UnaryOperator<String> labels;

    TlsChecks(UnaryOperator<String> labels) {
        this.labels = labels;
    }

    /**
     * The pgjdbc properties for one node.
     *
     * @param nodePrefix {@code pgrouter.primary} or {@code pgrouter.replicas[i]}
     * @param nodeSsl the node's own settings
     * @param sharedSsl the settings for all nodes
     * @param extraProperties the node's free-form pgjdbc properties, which must not set the same thing
     */
    Map<String, String> properties(
            String nodePrefix,
            Map<String, String> nodeSsl,
            Map<String, String> sharedSsl,
            Map<String, String> extraProperties) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        for (String setting : SETTINGS) {
            String own = nodeSsl.get(setting);
            String shared = sharedSsl.get(setting);
            if (own != null || shared != null) {
                values.put(setting, own != null ? own.trim() : shared.trim());
                keys.put(setting, own != null ? nodePrefix + ".ssl." + setting : "pgrouter.ssl." + setting);
            }
        }
        if (values.isEmpty()) {
            return Map.of();
        }
        String mode = values.getOrDefault("mode", DEFAULT_MODE).toLowerCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException(label(keys.get("mode")) + " must be one of " + String.join(", ", MODES)
                    + ", was '" + values.get("mode") + "'");
        }
        values.put("mode", mode);
        for (String file : List.of("root-cert", "cert", "key")) {
            if (values.containsKey(file)) {
                readableFile(keys.get(file), values.get(file));
            }
        }
        String key = values.get("key");
        boolean keyStore = key != null && key.toLowerCase(Locale.ROOT).matches(".*\\.(p12|pfx)");
        if (values.containsKey("cert") && key == null) {
            throw new IllegalArgumentException(
                    label(keys.get("cert")) + " is set, was '" + values.get("cert") + "', but "
                            + label(nodePrefix + ".ssl.key") + " (or " + label("pgrouter.ssl.key")
                            + ") is not: a client certificate"
                            + " needs its private key");
        }
        if (key != null && !keyStore && !values.containsKey("cert")) {
            throw new IllegalArgumentException(label(keys.get("key")) + " is set, was '" + key + "', but "
                    + label(nodePrefix + ".ssl.cert") + " (or " + label("pgrouter.ssl.cert")
                    + ") is not: name the client"
                    + " certificate too (or give a PKCS#12 key store, .p12 or .pfx, that holds both)");
        }
        if (values.containsKey("key-password") && key == null) {
            // The password itself is never shown.
            throw new IllegalArgumentException(
                    label(keys.get("key-password")) + " is set, but " + label(nodePrefix + ".ssl.key") + " (or "
                            + label("pgrouter.ssl.key") + ") is not: the password unlocks the client key");
        }
        if (mode.startsWith("verify-") && !values.containsKey("root-cert")) {
            String why = keys.containsKey("mode")
                    ? "with " + label(keys.get("mode")) + " " + mode
                    : "as " + label(keys.values().iterator().next()) + " is set, which turns TLS on with mode "
                            + DEFAULT_MODE;
            throw new IllegalArgumentException(
                    label(nodePrefix + ".ssl.root-cert") + " (or " + label("pgrouter.ssl.root-cert") + ") is required "
                            + why + ": name the CA certificate that signed the servers' certificates");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        values.forEach((setting, value) -> {
            String pgjdbc = PGJDBC_NAMES.get(setting);
            extraProperties.keySet().stream()
                    .filter(name -> name.equalsIgnoreCase(pgjdbc))
                    .findFirst()
                    .ifPresent(name -> {
                        throw new IllegalArgumentException(label(nodePrefix + ".properties." + name) + " and "
                                + label(keys.get(setting)) + " set the same pgjdbc property; set one");
                    });
            properties.put(pgjdbc, value);
        });
        return properties;
    }

    private void readableFile(String key, String value) {
        boolean readable;
        try {
            readable = !value.isEmpty() && Files.isRegularFile(Path.of(value)) && Files.isReadable(Path.of(value));
        } catch (InvalidPathException e) {
            readable = false;
        }
        if (!readable) {
            throw new IllegalArgumentException(label(key) + " must name a readable file, was '" + value + "'");
        }
    }

    private String label(String key) {
        return labels.apply(key);
    }
}
