package io.pgrouter.internal.config;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The pgjdbc connection properties pgrouter builds: a login (extra properties, user, password), and the timeouts and
 * application name of the connections it opens for its own work (health probes, switchover sessions, the notice
 * listener, readiness checks).
 */
public final class PgjdbcProperties {

    private PgjdbcProperties() {}

    /**
     * {@code extra}, then {@code user} and {@code password} where they are not {@code null} (a URL or a certificate
     * may hold the login). A new object, which the caller may add to.
     */
    public static Properties login(Map<String, String> extra, String user, String password) {
        Properties login = new Properties();
        extra.forEach(login::setProperty);
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        return login;
    }

    /** {@code timeout} in the whole seconds pgjdbc's timeouts take: rounded up, at least 1. */
    public static int seconds(Duration timeout) {
        return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    /**
     * Sets on {@code connection} the connect and login timeouts ({@code timeout}, in {@linkplain #seconds seconds}),
     * the socket timeout (a backstop: a server that stops answering ends the connection, not the thread waiting on
     * it) and the application name the server shows for it.
     *
     * @return {@code connection}
     */
    public static Properties ownSession(
            Properties connection, String applicationName, Duration timeout, long socketTimeoutSeconds) {
        String seconds = Integer.toString(seconds(timeout));
        connection.setProperty("connectTimeout", seconds);
        connection.setProperty("loginTimeout", seconds);
        connection.setProperty("socketTimeout", Long.toString(socketTimeoutSeconds));
        connection.setProperty("ApplicationName", applicationName);
        return connection;
    }
}
