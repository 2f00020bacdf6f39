package io.pgrouter.spring.autoconfigure;

import org.springframework.util.StringUtils;

/**
 * A node's JDBC URL from its {@code url}, or from its {@code host}, {@code port} and {@code database} with the core's
 * defaults (port 5432; no database: pgjdbc uses the user's name, as libpq does).
 */
final class NodeUrls {

    static final int DEFAULT_PORT = 5432;

    private NodeUrls() {}

    /**
     * The node's URL, or {@code null} when it sets neither a URL nor a host.
     *
     * @param keyPrefix the node's properties, {@code pgrouter.primary} or {@code pgrouter.replicas[1]}, for errors
     * @throws IllegalArgumentException naming the key, when both forms are set or a part is missing or out of range
     */
    static String of(PgRouterProperties.Node node, String keyPrefix) {
        boolean hasParts = node.getHost() != null || node.getPort() != null || node.getDatabase() != null;
        if (!hasParts) {
            return node.getUrl();
        }
        if (node.getUrl() != null) {
            // Not the URL itself: it is not masked here, and the host is enough to tell which is which.
            throw new IllegalArgumentException(keyPrefix + ".url and " + keyPrefix
                    + ".host/port/database are mutually exclusive; set one, was host '" + node.getHost() + "'");
        }
        if (!StringUtils.hasText(node.getHost())) {
            throw new IllegalArgumentException(
                    keyPrefix + ".host is required when " + keyPrefix + ".port or " + keyPrefix + ".database is set");
        }
        int port = node.getPort() != null ? node.getPort() : DEFAULT_PORT;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(keyPrefix + ".port must be between 1 and 65535, was '" + port + "'");
        }
        String host = node.getHost().strip();
        String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        String database = node.getDatabase() != null ? node.getDatabase().strip() : "";
        return "jdbc:postgresql://" + bracketed + ":" + port + "/" + database;
    }
}
