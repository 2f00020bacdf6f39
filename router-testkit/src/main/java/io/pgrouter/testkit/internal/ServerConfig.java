package io.pgrouter.testkit.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server settings every node of a replica set runs with, shared by the local provider (written to a
 * {@code pgrouter.conf} in each data directory) and the container provider (passed as {@code -c} flags), so
 * that both behave alike.
 */
public final class ServerConfig {

    private ServerConfig() {}

    /**
     * Settings for every node: streaming replication with hot standby, and test-friendly durability
     * ({@code fsync=off}: a crash of the machine may lose data, a crash of a server does not).
     */
    public static Map<String, String> common(Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "16");
        s.put("max_replication_slots", "16");
        s.put("hot_standby", "on");
        // Replicas report their positions every second so pg_stat_replication stays fresh.
        s.put("wal_receiver_status_interval", "1s");
        // A standby whose upstream went away tries again after 200 ms instead of 5 s, so that tests of stops and
        // promotions do not wait on it.
        s.put("wal_retrieve_retry_interval", "200ms");
        s.put("hot_standby_feedback", "on");
        s.put("wal_keep_size", "128MB");
        s.put("fsync", "off");
        s.put("full_page_writes", "off");
        s.put("shared_buffers", "32MB");
        s.put("max_connections", "100");
        s.put("log_line_prefix", "%m [%p] ");
        s.putAll(extra);
        return s;
    }

    /** The {@code primary_conninfo} of a replica streaming from {@code host:port}; holds the password. */
    public static String primaryConninfo(String host, int port, String user, String password, String applicationName) {
        return "host=" + host + " port=" + port + " user=" + user + " password=" + quote(password)
                + " application_name=" + applicationName + " connect_timeout=5";
    }

    /** The physical replication slot a node streams through. */
    public static String slotName(String nodeName) {
        return "pgrouter_" + nodeName.replace('-', '_');
    }

    /** {@code recovery_min_apply_delay} for a replay delay, in milliseconds. */
    public static String delayValue(Duration delay) {
        return delay.toMillis() + "ms";
    }

    /** Quotes a conninfo value. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A line of postgresql.conf. */
    static String confLine(String name, String value) {
        return name + " = '" + value.replace("'", "''") + "'";
    }
}
