package io.pgrouter.internal.switchover;

import io.pgrouter.internal.health.SwitchoverSignal;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Writes and withdraws the {@linkplain SwitchoverSignal switchover signal} on a primary: every router's probe reads
 * it there and holds its writes until the signal is gone (the primary moved: the new one carries none) or its
 * deadline passed. Needs the privilege to change settings ({@code ALTER SYSTEM}: a superuser, or {@code GRANT ALTER
 * SYSTEM ON PARAMETER pgrouter.switchover} and {@code EXECUTE} on {@code pg_reload_conf}).
 */
public final class Announcement {

    private Announcement() {}

    /**
     * Announces a move of the primary to {@code target} that holds writes for at most {@code maxPause}, counted on the
     * server's clock so that the hosts' clocks need not agree, and only on the primary's current timeline.
     *
     * @return the value announced, as {@link #CONFIGURED} reads it once the reload reached a session
     */
    public static String announce(NodeSession primary, String id, String target, Duration maxPause)
            throws SQLException {
        String[] now = primary.queryRow("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, "
                + SwitchoverSignal.PRIMARY_TIMELINE_SQL);
        String value = SwitchoverSignal.value(
                id, target, Long.parseLong(now[0]) + maxPause.toMillis(), Long.parseLong(now[1]));
        primary.execute("ALTER SYSTEM SET " + SwitchoverSignal.SETTING + " = '" + value + "'");
        primary.execute("SELECT pg_reload_conf()");
        return value;
    }

    /** Withdraws an announcement from a node's configuration (a standby's too); nothing happens without one. */
    static void withdraw(NodeSession node) throws SQLException {
        node.execute("ALTER SYSTEM RESET " + SwitchoverSignal.SETTING);
        node.execute("SELECT pg_reload_conf()");
    }
}
