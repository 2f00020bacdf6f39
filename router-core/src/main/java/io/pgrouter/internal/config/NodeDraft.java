package io.pgrouter.internal.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's settings while a configuration is assembled, before validation. {@link #keyPrefix} is the property
 * prefix its errors name ({@code pgrouter.primary}, {@code pgrouter.replicas[1]}).
 */
public final class NodeDraft {
    final String keyPrefix;
    String name;
    String url;
    String probeUrl;
    String host;
    String port;
    String database;
    String username;
    String password;
    String passwordFile;
    String weight;
    final Map<String, String> properties = new LinkedHashMap<>();
    /** TLS settings of this node by their name after {@code ssl.} ({@code mode}, {@code root-cert}, ...). */
    final Map<String, String> ssl = new LinkedHashMap<>();

    NodeDraft(String keyPrefix, String name) {
        this.keyPrefix = keyPrefix;
        this.name = name;
    }

    /** Sets the name, URL and login of the node: what the builders' {@code primary} and {@code replica} take. */
    public NodeDraft connection(String name, String jdbcUrl, String user, String password) {
        return set("name", name).set("url", jdbcUrl).set("username", user).set("password", password);
    }

    /** Sets one of the settings by its property name ({@code url}, {@code password-file}, ...). */
    public NodeDraft set(String setting, String value) {
        switch (setting) {
            case "name" -> name = value;
            case "url" -> url = value;
            case "probe-url" -> probeUrl = value;
            case "host" -> host = value;
            case "port" -> port = value;
            case "database" -> database = value;
            case "username" -> username = value;
            case "password" -> password = value;
            case "password-file" -> passwordFile = value;
            case "weight" -> weight = value;
            default -> {
                if (setting.startsWith("ssl.") && TlsChecks.SETTINGS.contains(setting.substring(4))) {
                    ssl.put(setting.substring(4), value);
                    return this;
                }
                throw new IllegalArgumentException("unknown node setting " + keyPrefix + "." + setting);
            }
        }
        return this;
    }

    /** Adds an extra pgjdbc connection property. */
    public NodeDraft property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** The name given so far. */
    public String name() {
        return name;
    }

    boolean hasCredentials() {
        return username != null || password != null || passwordFile != null;
    }
}
