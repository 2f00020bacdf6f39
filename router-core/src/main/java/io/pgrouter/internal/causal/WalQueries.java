package io.pgrouter.internal.causal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.replication.LogSequenceNumber;

/** The two questions read-your-writes asks a node directly, on a connection of the application's pools. */
public final class WalQueries {

    /**
     * The primary's WAL insert position and timeline, asked after a commit. The insert position covers every
     * record inserted before it, committed or not yet flushed (it is never behind the commit just acknowledged,
     * even with {@code synchronous_commit = off}); the timeline is the one the WAL file name of that position
     * carries, which needs no privilege.
     */
    static final String PRIMARY_POSITION = "SELECT pg_current_wal_insert_lsn()::text,"
            + " ('x' || substr(pg_walfile_name(pg_current_wal_insert_lsn()), 1, 8))::bit(32)::bigint";

    /**
     * A standby's replay position and the timeline it receives. {@code received_tli} needs
     * {@code pg_read_all_stats} (or a superuser); without it, or while no WAL receiver runs, it is NULL.
     */
    static final String REPLAY_POSITION =
            "SELECT pg_last_wal_replay_lsn()::text," + " (SELECT received_tli FROM pg_stat_wal_receiver)";

    private WalQueries() {}

    /** Where a node is: a WAL position and a timeline (0 when the node did not tell). */
    public record Reading(long timeline, long lsn) {}

    /** Asks the primary on {@code c}, right after a commit there, for its position. */
    public static WalPosition primaryPosition(Connection c, long systemIdentifier) throws SQLException {
        Reading r = read(c, PRIMARY_POSITION);
        if (r.lsn() < 0 || r.timeline() < 1) {
            throw new SQLException("the primary reported no WAL position", "55000");
        }
        return new WalPosition(systemIdentifier, r.timeline(), r.lsn());
    }

    /** Asks a standby on {@code c} for its replay position; its timeline is 0 when it cannot tell (see above). */
    public static Reading replayPosition(Connection c) throws SQLException {
        return read(c, REPLAY_POSITION);
    }

    private static Reading read(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            String lsn = rs.getString(1);
            long timeline = rs.getLong(2);
            return new Reading(
                    rs.wasNull() ? 0 : timeline,
                    lsn == null ? -1 : LogSequenceNumber.valueOf(lsn).asLong());
        } finally {
            // A pool may hand out connections with auto-commit off: end the transaction the query opened, so that
            // the settings replayed next (read-only) apply to a fresh one and the application's commit covers only its
            // own work.
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
    }
}
