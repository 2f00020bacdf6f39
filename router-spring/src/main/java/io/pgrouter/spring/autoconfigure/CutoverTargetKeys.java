package io.pgrouter.spring.autoconfigure;

import io.pgrouter.CutoverTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound {@code pgrouter.cutover.target.*} properties back as the core's keys, for
 * {@link CutoverTarget#fromProperties}: the core reads and checks the target's nodes as it reads the router's own, so
 * its errors name the same keys, and every node setting (TLS, extra pgjdbc properties, password file, probe URL) has
 * one reader.
 */
final class CutoverTargetKeys {

    private static final String PREFIX = "pgrouter.cutover.target.";

    private CutoverTargetKeys() {}

    /** The target, or {@code null} when its primary has neither url nor host. */
    static CutoverTarget target(PgRouterProperties.Target target) {
        PgRouterProperties.Node primary = target.getPrimary();
        if (primary.getUrl() == null && primary.getHost() == null) {
            return null;
        }
        Map<String, String> keys = new LinkedHashMap<>();
        node(keys, PREFIX + "primary.", primary);
        List<PgRouterProperties.Replica> replicas = target.getReplicas();
        for (int i = 0; i < replicas.size(); i++) {
            String prefix = PREFIX + "replicas[" + i + "].";
            node(keys, prefix, replicas.get(i));
            keys.put(prefix + "weight", Integer.toString(replicas.get(i).getWeight()));
        }
        return CutoverTarget.fromProperties(keys);
    }

    private static void node(Map<String, String> keys, String prefix, PgRouterProperties.Node node) {
        put(keys, prefix + "name", node.getName());
        put(keys, prefix + "url", node.getUrl());
        put(keys, prefix + "probe-url", node.getProbeUrl());
        put(keys, prefix + "host", node.getHost());
        put(keys, prefix + "port", node.getPort());
        put(keys, prefix + "database", node.getDatabase());
        put(keys, prefix + "username", node.getUsername());
        put(keys, prefix + "password", node.getPassword());
        put(keys, prefix + "password-file", node.getPasswordFile());
        node.getProperties().forEach((name, value) -> put(keys, prefix + "properties." + name, value));
        PgRouterProperties.Ssl ssl = node.getSsl();
        put(keys, prefix + "ssl.mode", ssl.getMode());
        put(keys, prefix + "ssl.root-cert", ssl.getRootCert());
        put(keys, prefix + "ssl.cert", ssl.getCert());
        put(keys, prefix + "ssl.key", ssl.getKey());
        put(keys, prefix + "ssl.key-password", ssl.getKeyPassword());
    }

    private static void put(Map<String, String> keys, String key, Object value) {
        if (value != null) {
            keys.put(key, value.toString());
        }
    }
}
