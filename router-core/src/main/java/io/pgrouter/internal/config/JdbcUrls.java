package io.pgrouter.internal.config;

/** Builds pgjdbc URLs from parts. */
public final class JdbcUrls {

    private JdbcUrls() {}

    /**
     * {@code jdbc:postgresql://host:port/database}; an empty database lets pgjdbc use the user name, as libpq
     * does. IPv6 addresses get their brackets.
     */
    public static String of(String host, int port, String database) {
        String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + bracketed + ":" + port + "/" + database;
    }
}
