package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.PostgresNode;
import java.time.Duration;

/** WAL positions and WAL receiver states of the kit's nodes, asked over SQL, for promotions. */
final class Wal {

    private Wal() {}

    /** Whether the node is a standby whose replay is paused (or being paused). */
    static boolean replayPaused(PostgresNode node) {
        return !"not paused"
                .equals(
                        Sql.queryString(
                                node.dataSource(),
                                "SELECT CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() ELSE 'not paused' END"));
    }

    /** The end of the WAL a standby has: what it received, or what it replayed if that is further. */
    static String end(PostgresNode node) {
        return Sql.queryString(
                node.dataSource(),
                "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL"
                        + " OR pg_last_wal_replay_lsn() > pg_last_wal_receive_lsn() THEN pg_last_wal_replay_lsn()"
                        + " ELSE pg_last_wal_receive_lsn() END::text");
    }

    /** The later of two WAL positions in their text form ({@code 0/3000148}). */
    static String later(String a, String b) {
        return isBefore(a, b) ? b : a;
    }

    /** Whether WAL position {@code a} comes before {@code b}. */
    static boolean isBefore(String a, String b) {
        return Long.compareUnsigned(value(a), value(b)) < 0;
    }

    private static long value(String lsn) {
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    /** Waits until the standby's WAL receiver has stopped. */
    static void awaitReceiverStopped(PostgresNode node, Duration timeout) {
        await(node, "SELECT count(*) = 0 FROM pg_stat_wal_receiver", timeout, "its WAL receiver to stop");
    }

    /** Waits until the standby has WAL up to {@code lsn}; {@code false} when it has not within the timeout. */
    static boolean awaitEnd(PostgresNode node, String lsn, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isBefore(end(node), lsn)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Sleeper.pause(10);
        }
        return true;
    }

    /** The timeline a primary writes on. */
    static int timeline(PostgresNode primary) {
        String walFile = Sql.queryString(primary.dataSource(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
        return Integer.parseInt(walFile.substring(0, 8), 16);
    }

    /**
     * Where {@code timeline} of a primary starts: the switch point in its history file (its last line), or the
     * start of WAL for timeline 1.
     */
    static String timelineStart(PostgresNode primary, int timeline) {
        if (timeline <= 1) {
            return "0/0";
        }
        String history = Sql.queryString(
                primary.dataSource(),
                "SELECT pg_read_file('pg_wal/' || ? || '.history')",
                String.format("%08X", timeline));
        String[] lines = history.strip().split("\n");
        return lines[lines.length - 1].split("\t")[1].strip();
    }

    /** Waits until the standby streams from its upstream on {@code timeline} or a later one. */
    static void awaitStreamingOnTimeline(PostgresNode node, int timeline, Duration timeout) {
        await(
                node,
                "SELECT coalesce(bool_or(status = 'streaming' AND received_tli >= " + timeline + "), false)"
                        + " FROM pg_stat_wal_receiver",
                timeout,
                "its WAL receiver to stream on timeline " + timeline);
    }

    private static void await(PostgresNode node, String condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!"t".equals(Sql.queryString(node.dataSource(), condition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Waited " + timeout.toSeconds() + " s for " + what + " on "
                        + node.name() + "; WAL end " + end(node) + diagnostics(node));
            }
            Sleeper.pause(10);
        }
    }

    private static String diagnostics(PostgresNode node) {
        return node instanceof AbstractNode n ? n.diagnostics() : "";
    }
}
