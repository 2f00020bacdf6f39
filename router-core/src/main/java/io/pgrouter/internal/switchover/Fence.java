package io.pgrouter.internal.switchover;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.health.SwitchoverSignal;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The statements that fence a primary and give it back. The fence is server-wide and survives a restart:
 * {@code default_transaction_read_only} on in {@code postgresql.auto.conf}, so that every new session, from any
 * application instance, is read-only, and the sessions that were open before are ended (one could have set itself
 * read-write). The switchover's own sessions and the routers' probes are spared.
 */
public final class Fence {

    /** What the routers' probes call themselves: one session per router on the primary. */
    static final String ROUTER_PROBES = "pgrouter-probe";

    /** Client sessions other than the switchover's, the routers' probes and their notice listeners. */
    private static final String OTHER_SESSIONS =
            """
            FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
               AND coalesce(application_name, '') NOT IN ('%s', '%s', '%s')
""".formatted(ROUTER_PROBES, NodeSession.APPLICATION_NAME, SwitchoverSignal.LISTENER_NAME);

    /** How many routers probe this server: their probe sessions. */
    static final String ROUTERS =
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + ROUTER_PROBES + "'";

    /** Sessions in a transaction now: what the drain waits for (seeing other users' needs pg_read_all_stats). */
    public static final String IN_TRANSACTION = "SELECT count(*) " + OTHER_SESSIONS + " AND xact_start IS NOT NULL";

    /**
     * Signals every other session to end and returns their process ids, comma-separated. Without waiting: the
     * waiting form of {@code pg_terminate_backend} looks every 100 ms, once per session, one after the other.
     * The sessions are chosen in a materialized step first: in one {@code WHERE} the planner orders conditions by
     * cost, and with a longer list of spared names it called {@code pg_terminate_backend} before the other
     * conditions, ending the probes and this very session.
     */
    public static final String TERMINATE_OTHERS = "WITH others AS MATERIALIZED (SELECT pid " + OTHER_SESSIONS
            + ") SELECT coalesce(string_agg(pid::text, ','), '') FROM others WHERE pg_terminate_backend(pid)";

    /** How many of the given sessions are still there. */
    public static final String STILL_THERE =
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(string_to_array(?, ',')::int[])";

    /**
     * The end of the fenced primary's WAL, as a standby's {@code pg_last_wal_replay_lsn()} will report it once it has
     * replayed everything. {@code pg_current_wal_insert_lsn()} is where the next record would go: when the last record
     * ended exactly at a page boundary (an idle server at a new segment, say) that is past the next page's header (24
     * bytes, 40 on a segment's first page), where no record will ever end while the server is fenced; the boundary is
     * the end (a test of the command line waited in vain for 0/3000028 with 0/3000000 replayed).
     */
    static final String END_OF_WAL = """
            SELECT (CASE WHEN pos % seg = 40 THEN lsn - 40 WHEN pos % blk = 24 THEN lsn - 24 ELSE lsn END)::text
              FROM (SELECT lsn, pg_wal_lsn_diff(lsn, '0/0') AS pos,
                           current_setting('wal_block_size')::numeric AS blk,
                           (SELECT setting::numeric FROM pg_settings WHERE name = 'wal_segment_size') AS seg
                      FROM pg_current_wal_insert_lsn() AS lsn) AS wal
            """;

    /** The value the server's configuration gives, whatever this session set for itself. */
    public static final String CONFIGURED_READ_ONLY =
            "SELECT reset_val FROM pg_settings WHERE name = 'default_transaction_read_only'";

    /**
     * The announcement as a session that did not set it sees it (pg_settings hides a custom placeholder setting, so
     * its reset value cannot be read there): after {@code RESET}, the value the server's configuration gives.
     */
    static final String CONFIGURED_SIGNAL =
            "SELECT coalesce(current_setting('" + SwitchoverSignal.SETTING + "', true), '')";

    private Fence() {}

    /**
     * Withdraws the announcement and, when {@code fenced}, the fence, then reloads. Uses {@code session}, or a new
     * one when that broke.
     */
    public static void lift(NodeSession session, NodeConfig node, Duration timeout, boolean fenced)
            throws SQLException {
        try {
            liftOn(session, fenced);
            awaitReadWrite(session);
        } catch (SQLException first) {
            try (NodeSession fresh = NodeSession.open(node, timeout)) {
                liftOn(fresh, fenced);
                awaitReadWrite(fresh);
            } catch (SQLException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    /**
     * Waits (up to 2 s) until the server took the lifted fence: the reload is asynchronous, and a session the pool
     * opens before the postmaster re-read the configuration would still be read-only (a rollback under load failed a
     * write with 25006 this way). This session takes the reload only after the server did.
     */
    private static void awaitReadWrite(NodeSession session) throws SQLException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        while ("on".equals(session.queryString(CONFIGURED_READ_ONLY)) && System.nanoTime() - until < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // the reload reaches this session shortly
        }
    }

    private static void liftOn(NodeSession session, boolean fenced) throws SQLException {
        if (fenced) {
            session.execute("ALTER SYSTEM RESET default_transaction_read_only");
        }
        Announcement.withdraw(session);
    }

    /**
     * On the target, before its promotion: removes a fence or an announcement it still carries from a switchover that once left
     * it (a copy or a rewind of a fenced primary keeps its {@code postgresql.auto.conf}), waits for the reload to be
     * taken, and says what it did ("" when nothing).
     */
    static String liftStale(NodeSession target) throws SQLException {
        String readOnly = target.queryString(CONFIGURED_READ_ONLY);
        String signal =
                target.queryString("SELECT coalesce(current_setting('" + SwitchoverSignal.SETTING + "', true), '')");
        if (!"on".equals(readOnly) && signal.isEmpty()) {
            return "";
        }
        liftOn(target, "on".equals(readOnly));
        awaitReadWrite(target);
        return "; lifted a fence left from an earlier switchover";
    }
}
