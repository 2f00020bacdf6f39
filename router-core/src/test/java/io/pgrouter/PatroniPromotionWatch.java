package io.pgrouter;

import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.patroni.PatroniCluster;
import io.pgrouter.testkit.patroni.PatroniMember;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches every member of a Patroni cluster but the leader about to be killed, over connections of its own, every 10
 * ms, for the first one out of recovery: the moment Patroni promoted it, as PostgreSQL sees it.
 */
final class PatroniPromotionWatch implements AutoCloseable {

    private final List<Connection> connections = new ArrayList<>();

    PatroniPromotionWatch(PatroniCluster cluster, String killed) throws SQLException {
        for (PatroniMember m : cluster.members()) {
            if (!m.name().equals(killed)) {
                connections.add(DriverManager.getConnection(cluster.jdbcUrl(m), cluster.user(), cluster.password()));
            }
        }
    }

    /** Waits (up to {@code deadline}) for a promotion; returns its {@link System#nanoTime()}. */
    long promotedAt(Duration deadline) {
        AtomicLong promoted = new AtomicLong();
        await().atMost(deadline).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (Connection c : connections) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        promoted.set(System.nanoTime());
                        return true;
                    }
                } catch (SQLException e) {
                    // restarting: ask again
                }
            }
            return false;
        });
        return promoted.get();
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
