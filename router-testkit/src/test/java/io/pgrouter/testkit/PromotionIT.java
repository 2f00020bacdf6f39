package io.pgrouter.testkit;

import static io.pgrouter.testkit.StreamingIT.execute;
import static io.pgrouter.testkit.StreamingIT.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.ReplicaSet.OldPrimary;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Promotions leave no replica behind on the old timeline, whatever WAL the old primary sent last: each test makes
 * the case that once broke a promotion (a replica that received more of the old primary's WAL than the promoted
 * one) as likely as it can, and each starts a cluster of its own.
 */
class PromotionIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void promotionsUnderWritesToTheOldPrimaryLeaveEveryReplicaStreamingOnTheNewTimeline() throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(2).start()) {
            execute(cluster.primary().dataSource(), "CREATE TABLE churn(id bigserial primary key, pad text)");
            for (int round = 1; round <= 3; round++) {
                PostgresNode oldPrimary = cluster.primary();
                PostgresNode target = cluster.replica(0);
                PostgresNode other = cluster.replica(1);
                try (Writer ignored = Writer.start(oldPrimary)) {
                    Thread.sleep(200);
                    cluster.promote(target);
                }
                assertThat(cluster.primary()).isSameAs(target);
                assertThat(receiver(other))
                        .as("round " + round + ": " + other.name() + " right after promote() returned")
                        .isEqualTo("streaming on timeline " + (round + 1));
                execute(target.dataSource(), "INSERT INTO churn(pad) VALUES ('round " + round + "')");
                cluster.awaitReplicated(DEADLINE);
                assertThat(query(other.dataSource(), "SELECT count(*) FROM churn WHERE pad = 'round " + round + "'"))
                        .isEqualTo("1");
                // The old primary still runs on the old timeline and takes writes: the split a failover test wants.
                assertThat(query(oldPrimary.dataSource(), "SELECT pg_is_in_recovery()"))
                        .isEqualTo("f");
                cluster.rejoinAsStandby(oldPrimary);
            }
        }
    }

    @Test
    void stoppingTheOldPrimaryFirstLosesNoAcknowledgedWrite() throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(2).start()) {
            PostgresNode oldPrimary = cluster.primary();
            PostgresNode target = cluster.replica(1);
            execute(oldPrimary.dataSource(), "CREATE TABLE acked(id bigint primary key)");
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                long id = 0;
                while (writing.get()) {
                    id++;
                    try (Connection c = oldPrimary.dataSource().getConnection();
                            Statement s = c.createStatement()) {
                        s.execute("INSERT INTO acked VALUES (" + id + ")");
                        acknowledged.add(id);
                    } catch (SQLException e) {
                        return; // the old primary shut down
                    }
                }
            });
            writer.start();
            try {
                Thread.sleep(300);
                cluster.promote(target, OldPrimary.STOP);
            } finally {
                writing.set(false);
                writer.join(DEADLINE.toMillis());
            }
            assertThat(oldPrimary.isRunning()).isFalse();
            assertThat(acknowledged).isNotEmpty();
            long missing =
                    acknowledged.stream().filter(id -> !onNode(target, id)).count();
            assertThat(missing)
                    .as("acknowledged writes missing on the new primary, of " + acknowledged.size())
                    .isZero();
            assertThat(receiver(cluster.replica(0))).isEqualTo("streaming on timeline 2");
            System.out.printf(
                    "Promotion with the old primary stopped first: %d acknowledged writes, all on %s%n",
                    acknowledged.size(), target.name());
        }
    }

    @Test
    void aReplicaAheadOfThePromotedOneIsMadeAgainFromTheNewPrimary() throws SQLException {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(2).start()) {
            PostgresNode oldPrimary = cluster.primary();
            PostgresNode behind = cluster.replica(0);
            PostgresNode ahead = cluster.replica(1);
            execute(oldPrimary.dataSource(), "CREATE TABLE lost(id int)");
            cluster.awaitReplicated(DEADLINE);
            behind.stop();
            execute(oldPrimary.dataSource(), "INSERT INTO lost SELECT generate_series(1, 1000)");
            cluster.awaitReplicated(DEADLINE); // the running replica, ahead, has them
            oldPrimary.kill();
            behind.start();

            cluster.promote(behind);

            assertThat(receiver(ahead)).isEqualTo("streaming on timeline 2");
            // What only the dead primary and the replica ahead had is gone: asynchronous replication.
            assertThat(query(ahead.dataSource(), "SELECT count(*) FROM lost")).isEqualTo("0");
            execute(behind.dataSource(), "INSERT INTO lost VALUES (-1)");
            cluster.awaitReplicated(DEADLINE);
            assertThat(query(ahead.dataSource(), "SELECT count(*) FROM lost")).isEqualTo("1");
        }
    }

    @Test
    void aPausedReplicaWhileTheOldPrimaryKeepsRunningIsRefusedAndNothingChanges() throws SQLException {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(2).start()) {
            PostgresNode oldPrimary = cluster.primary();
            cluster.replica(1).pauseReplay();

            assertThatThrownBy(() -> cluster.promote(cluster.replica(0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("replica-2 has its replay paused")
                    .hasMessageContaining("OldPrimary.STOP");

            assertThat(cluster.primary()).isSameAs(oldPrimary);
            assertThat(query(cluster.replica(0).dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("t");
            assertThat(receiver(cluster.replica(0))).isEqualTo("streaming on timeline 1");
        }
    }

    private static String receiver(PostgresNode replica) throws SQLException {
        return query(
                replica.dataSource(),
                "SELECT coalesce((SELECT status || ' on timeline ' || received_tli FROM pg_stat_wal_receiver),"
                        + " 'no WAL receiver')");
    }

    private static boolean onNode(PostgresNode node, long id) {
        try {
            return "1".equals(query(node.dataSource(), "SELECT count(*) FROM acked WHERE id = " + id));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inserts into {@code churn} on one node as fast as it can until closed. */
    private record Writer(Thread thread, AtomicBoolean running, AtomicLong rows) implements AutoCloseable {

        static Writer start(PostgresNode node) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong rows = new AtomicLong();
            Thread t = new Thread(
                    () -> {
                        while (running.get()) {
                            try (Connection c = node.dataSource().getConnection();
                                    Statement s = c.createStatement()) {
                                while (running.get()) {
                                    s.execute(
                                            "INSERT INTO churn(pad) SELECT repeat('x', 200) FROM generate_series(1, 20)");
                                    rows.addAndGet(20);
                                }
                            } catch (SQLException e) {
                                // keep trying until closed
                            }
                        }
                    },
                    "writer-" + node.name());
            t.start();
            return new Writer(t, running, rows);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(DEADLINE.toMillis());
        }
    }
}
