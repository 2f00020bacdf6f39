package io.pgrouter.benchmarks.faults;

import io.pgrouter.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/** Synchronous replication to one standby, switched on and off on a running primary. */
final class SyncStandby {

    private SyncStandby() {}

    /**
     * Makes every commit on {@code primary} wait until {@code standby} has flushed it (its application name is its
     * node name in the test kit), and waits until the primary reports it synchronous.
     */
    static void require(PostgresNode primary, PostgresNode standby) {
        execute(primary, "ALTER SYSTEM SET synchronous_standby_names = '\"" + standby.name() + "\"'");
        execute(primary, "SELECT pg_reload_conf()");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"sync"
                .equals(query(
                        primary,
                        "SELECT sync_state FROM pg_stat_replication WHERE application_name = '" + standby.name()
                                + "'"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        standby.name() + " did not become a synchronous standby of " + primary.name() + " within 30 s");
            }
            pause();
        }
    }

    /** Back to asynchronous replication on {@code primary}. */
    static void clear(PostgresNode primary) {
        execute(primary, "ALTER SYSTEM RESET synchronous_standby_names");
        execute(primary, "SELECT pg_reload_conf()");
    }

    private static void execute(PostgresNode node, String sql) {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": '" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    private static String query(PostgresNode node, String sql) {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": '" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
