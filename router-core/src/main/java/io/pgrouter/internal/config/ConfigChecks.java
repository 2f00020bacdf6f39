package io.pgrouter.internal.config;

import io.pgrouter.NodeRole;
import io.pgrouter.PoolSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** The validation rules of {@link RouterConfig}; each failure names the key and the bad value. */
final class ConfigChecks {

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");
    private static final int MAX_WEIGHT = 1000;

    private final UnaryOperator<String> labels;

    ConfigChecks(UnaryOperator<String> labels) {
        this.labels = labels;
    }

    String label(String key) {
        return labels.apply(key);
    }

    private IllegalArgumentException bad(String key, Object value, String rule) {
        return new IllegalArgumentException(label(key) + " " + rule + ", was '" + value + "'");
    }

    /** Checks a node name given outside a draft (a node that joins at run time). */
    static void nodeName(String what, String name) {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 63 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit, was '" + name + "'");
        }
    }

    NodeConfig node(NodeDraft draft, NodeRole role, NodeDraft primary, Map<String, String> sharedSsl) {
        String prefix = draft.keyPrefix + ".";
        String name = draft.name == null ? "" : draft.name.trim();
        if (!NODE_NAME.matcher(name).matches()) {
            throw bad(
                    prefix + "name",
                    draft.name,
                    "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String url = url(draft, prefix);
        // Replicas without credentials of their own log in as the primary's user.
        NodeDraft credentials =
                role == NodeRole.REPLICA && !draft.hasCredentials() && primary != null ? primary : draft;
        String username = credentials.username;
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException(
                    label(credentials.keyPrefix + ".username") + " is required for node '" + name + "'");
        }
        String password = password(credentials);
        int weight = draft.weight == null ? 1 : integer(prefix + "weight", draft.weight);
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw bad(prefix + "weight", draft.weight, "must be between 1 and " + MAX_WEIGHT);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        draft.properties.forEach((key, value) -> {
            String lower = key.toLowerCase(Locale.ROOT);
            if (key.isBlank() || lower.equals("user") || lower.equals("password")) {
                throw new IllegalArgumentException(label(prefix + "properties." + key)
                        + " is not allowed: set the user and password with " + prefix + "username and "
                        + prefix + "password (or password-file)");
            }
            properties.put(key, value == null ? "" : value);
        });
        properties.putAll(new TlsChecks(labels).properties(draft.keyPrefix, draft.ssl, sharedSsl, draft.properties));
        String probeUrl = draft.probeUrl == null ? null : jdbcUrl(prefix + "probe-url", draft.probeUrl, prefix);
        return new NodeConfig(name, role, url, username, password, properties, weight, probeUrl);
    }

    private String url(NodeDraft draft, String prefix) {
        boolean hasHost = draft.host != null || draft.port != null || draft.database != null;
        if (draft.url != null && hasHost) {
            String other = draft.host != null ? "host" : draft.port != null ? "port" : "database";
            String otherValue = draft.host != null ? draft.host : draft.port != null ? draft.port : draft.database;
            throw new IllegalArgumentException(label(prefix + "url") + " and " + label(prefix + other)
                    + " are mutually exclusive (url, or host/port/database); set one, was url '"
                    + Secrets.maskUrl(draft.url)
                    + "' and " + other + " '" + otherValue + "'");
        }
        if (draft.url != null) {
            return jdbcUrl(prefix + "url", draft.url, prefix);
        }
        if (draft.host == null || draft.host.isBlank()) {
            throw new IllegalArgumentException(label(prefix + "url") + " (or " + label(prefix + "host")
                    + ") is required for node '" + draft.name + "'");
        }
        String host = draft.host.trim();
        if (!HOST.matcher(host).matches()) {
            throw bad(prefix + "host", host, "must be a host name or IP address");
        }
        int port = draft.port == null ? 5432 : integer(prefix + "port", draft.port);
        if (port < 1 || port > 65535) {
            throw bad(prefix + "port", draft.port, "must be between 1 and 65535");
        }
        return JdbcUrls.of(host, port, draft.database == null ? "" : draft.database.trim());
    }

    /** A {@code jdbc:postgresql:} URL without a password, for {@code key} of the node whose keys start {@code prefix}. */
    private String jdbcUrl(String key, String value, String prefix) {
        String url = value.trim();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw bad(key, Secrets.maskUrl(url), "must start with jdbc:postgresql:");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&;]password=.*")) {
            throw bad(
                    key,
                    Secrets.maskUrl(url),
                    "must not hold the password; use " + label(prefix + "password") + " or "
                            + label(prefix + "password-file"));
        }
        return url;
    }

    private String password(NodeDraft draft) {
        return password(draft.keyPrefix + ".", draft.password, draft.passwordFile);
    }

    /**
     * A password given as {@code <prefix>password} or read from {@code <prefix>password-file} (not both), or
     * {@code null} for neither; errors name the key and show the file's path, never the password.
     */
    String password(String prefix, String password, String passwordFile) {
        if (password != null && passwordFile != null) {
            // Only the file path is shown: it is not a secret, the password is.
            throw new IllegalArgumentException(label(prefix + "password") + " and " + label(prefix + "password-file")
                    + " are mutually exclusive; set one, was password " + Secrets.MASK + " and password-file '"
                    + passwordFile + "'");
        }
        if (passwordFile == null) {
            return password;
        }
        try {
            String text = Files.readString(Path.of(passwordFile.trim()));
            String read = text.strip();
            if (read.isEmpty()) {
                throw bad(prefix + "password-file", passwordFile, "names an empty file");
            }
            return read;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(label(prefix))) {
                throw iae;
            }
            throw bad(
                    prefix + "password-file",
                    passwordFile,
                    "must name a readable file (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The health monitor's own login, or {@code null} when none is set (probes then log in as each node's user).
     */
    ProbeLogin probeLogin(NodeDraft draft) {
        if (!draft.hasCredentials()) {
            return null;
        }
        if (draft.username == null || draft.username.isBlank()) {
            throw new IllegalArgumentException(
                    label(draft.keyPrefix + ".username") + " is required when " + label(draft.keyPrefix + ".password")
                            + " or " + label(draft.keyPrefix + ".password-file") + " is set");
        }
        return new ProbeLogin(draft.username.trim(), password(draft));
    }

    void uniqueNames(NodeConfig primary, List<NodeConfig> replicas, List<NodeDraft> drafts) {
        Map<String, String> seen = new HashMap<>();
        seen.put(primary.name(), "pgrouter.primary.name");
        for (int i = 0; i < replicas.size(); i++) {
            String key = drafts.get(i).keyPrefix + ".name";
            String earlier = seen.putIfAbsent(replicas.get(i).name(), key);
            if (earlier != null) {
                throw bad(key, replicas.get(i).name(), "must be unique, but " + label(earlier) + " has the same name");
            }
        }
    }

    void pool(String prefix, PoolSettings pool) {
        if (pool.maximumPoolSize() < 1) {
            throw bad(prefix + "maximum-pool-size", pool.maximumPoolSize(), "must be at least 1");
        }
        if (pool.minimumIdle() < 0 || pool.minimumIdle() > pool.maximumPoolSize()) {
            throw bad(
                    prefix + "minimum-idle",
                    pool.minimumIdle(),
                    "must be between 0 and " + label(prefix + "maximum-pool-size") + " (" + pool.maximumPoolSize()
                            + ")");
        }
        // The lower bounds are HikariCP's; below them it would silently substitute its defaults.
        atLeast(prefix + "connection-timeout", pool.connectionTimeout(), Duration.ofMillis(250), false);
        atLeast(prefix + "max-lifetime", pool.maxLifetime(), Duration.ofSeconds(30), true);
        atLeast(prefix + "idle-timeout", pool.idleTimeout(), Duration.ofSeconds(10), true);
        atLeast(prefix + "leak-detection-threshold", pool.leakDetectionThreshold(), Duration.ofSeconds(2), true);
        if (!pool.maxLifetime().isZero()
                && !pool.idleTimeout().isZero()
                && pool.idleTimeout().compareTo(pool.maxLifetime()) >= 0) {
            throw bad(
                    prefix + "idle-timeout",
                    pool.idleTimeout(),
                    "must be shorter than " + label(prefix + "max-lifetime") + " (" + pool.maxLifetime() + ")");
        }
        if (!pool.maxLifetime().isZero() && pool.leakDetectionThreshold().compareTo(pool.maxLifetime()) >= 0) {
            throw bad(
                    prefix + "leak-detection-threshold",
                    pool.leakDetectionThreshold(),
                    "must be shorter than " + label(prefix + "max-lifetime") + " (" + pool.maxLifetime() + ")");
        }
    }

    private void atLeast(String key, Duration value, Duration min, boolean zeroAllowed) {
        if (value.isNegative() || value.compareTo(min) < 0 && !(zeroAllowed && value.isZero())) {
            throw bad(key, value, "must be at least " + min + (zeroAllowed ? " (or 0 for none)" : ""));
        }
    }

    void notNegative(String key, Duration value) {
        if (value.isNegative()) {
            throw bad(key, value, "must not be negative");
        }
    }

    void atMost(String key, Duration value, Duration limit) {
        if (value.compareTo(limit) > 0) {
            throw bad(key, value, "must be at most " + limit);
        }
    }

    int integer(String key, String text) {
        return ValueParsers.integer(label(key), text);
    }

    /**
     * Builds a value whose own constructor validates it (the probe settings, the lag thresholds), and names the
     * keys in its error the way this configuration's source does.
     */
    <T> T get(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("pgrouter\\.[a-z.-]+[a-z]").matcher(e.getMessage());
            StringBuilder relabeled = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(relabeled, java.util.regex.Matcher.quoteReplacement(label(m.group())));
            }
            m.appendTail(relabeled);
            throw new IllegalArgumentException(relabeled.toString(), e);
        }
    }
}
