package io.pgrouter.testkit;

import static io.pgrouter.testkit.StreamingIT.execute;
import static io.pgrouter.testkit.StreamingIT.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.PostgresNode.Role;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Every fault control on a cluster of this class's own, since the tests break nodes on purpose. */
@io.pgrouter.testkit.junit.PostgresReplicaSet(replicas = 2, isolated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultControlIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private ReplicaSet cluster;

    @AfterEach
    void everyNodeRunsAgain() {
        for (PostgresNode node : cluster.nodes()) {
            node.thaw();
            node.start();
        }
    }

    @Test
    @Order(1)
    void stopAndStartKeepTheDataAndThePort() throws SQLException {
        PostgresNode replica = cluster.replica(0);
        int port = replica.port();
        execute(cluster.primary().dataSource(), "CREATE TABLE IF NOT EXISTS faults(id serial primary key, phase text)");

        replica.stop();
        assertThat(replica.isRunning()).isFalse();
        assertThatThrownBy(() -> query(replica.dataSource(), "SELECT 1")).isInstanceOf(SQLException.class);
        execute(cluster.primary().dataSource(), "INSERT INTO faults(phase) VALUES ('while stopped')");

        replica.start();
        assertThat(replica.port()).isEqualTo(port);
        cluster.awaitReplicated(DEADLINE);
        assertThat(query(replica.dataSource(), "SELECT count(*) FROM faults WHERE phase = 'while stopped'"))
                .isEqualTo("1");
    }

    @Test
    @Order(2)
    void killLeavesNoProcessAndTheNodeRecoversOnStart() throws SQLException {
        PostgresNode replica = cluster.replica(1);
        replica.kill();
        assertThat(replica.isRunning()).isFalse();
        execute(cluster.primary().dataSource(), "INSERT INTO faults(phase) VALUES ('while killed')");

        replica.start();
        cluster.awaitReplicated(DEADLINE);
        assertThat(query(replica.dataSource(), "SELECT count(*) FROM faults WHERE phase = 'while killed'"))
                .isEqualTo("1");
    }

    @Test
    @Order(3)
    void aFrozenNodeAcceptsTcpButNeverAnswers() throws SQLException {
        PostgresNode replica = cluster.replica(0);
        replica.freeze();
        assertThat(replica.isRunning()).isTrue();

        long started = System.nanoTime();
        // The kit's data source gives up after its login timeout (10 s) instead of hanging.
        assertThatThrownBy(() -> query(replica.dataSource(), "SELECT 1")).isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThan(Duration.ofSeconds(1))
                .isLessThan(Duration.ofSeconds(40));

        replica.thaw();
        assertThat(query(replica.dataSource(), "SELECT 1")).isEqualTo("1");
    }

    @Test
    @Order(4)
    void pausedReplayHoldsRowsBackUntilResumed() throws SQLException {
        PostgresNode replica = cluster.replica(0);
        replica.pauseReplay();
        execute(cluster.primary().dataSource(), "INSERT INTO faults(phase) VALUES ('while paused')");
        String target = query(cluster.primary().dataSource(), "SELECT pg_current_wal_lsn()");
        await(
                "replica-1 to receive WAL past the pause",
                () -> sql(replica, "SELECT pg_last_wal_receive_lsn() >= '" + target + "'::pg_lsn")
                        .equals("t"));

        assertThat(query(replica.dataSource(), "SELECT count(*) FROM faults WHERE phase = 'while paused'"))
                .isEqualTo("0");
        assertThat(query(
                        replica.dataSource(),
                        "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) > 0"))
                .isEqualTo("t");
        assertThatThrownBy(() -> cluster.awaitReplicated(Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replica-1")
                .hasMessageContaining("replay paused");

        replica.resumeReplay();
        cluster.awaitReplicated(DEADLINE);
        assertThat(query(replica.dataSource(), "SELECT count(*) FROM faults WHERE phase = 'while paused'"))
                .isEqualTo("1");
    }

    @Test
    @Order(5)
    void aReplayDelayCreatesAKnownLag() throws SQLException {
        PostgresNode replica = cluster.replica(1);
        replica.setReplayDelay(Duration.ofSeconds(2));
        try {
            long committed = System.nanoTime();
            execute(cluster.primary().dataSource(), "INSERT INTO faults(phase) VALUES ('delayed')");
            await(
                    "the delayed row on replica-2",
                    () -> sql(replica, "SELECT count(*) FROM faults WHERE phase = 'delayed'")
                            .equals("1"));
            Duration lag = Duration.ofNanos(System.nanoTime() - committed);
            assertThat(lag).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        } finally {
            replica.setReplayDelay(Duration.ZERO);
        }
        assertThat(query(replica.dataSource(), "SHOW recovery_min_apply_delay")).isEqualTo("0");
    }

    @Test
    @Order(6)
    void promoteThenRejoinTheOldPrimaryAsAStandby() throws SQLException {
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode promoted = cluster.replica(0);
        PostgresNode other = cluster.replica(1);
        cluster.awaitReplicated(DEADLINE);

        cluster.promote(promoted);
        assertThat(cluster.primary()).isSameAs(promoted);
        assertThat(promoted.role()).isEqualTo(Role.PRIMARY);
        assertThat(query(promoted.dataSource(), "SELECT pg_is_in_recovery()")).isEqualTo("f");
        execute(promoted.dataSource(), "INSERT INTO faults(phase) VALUES ('after promotion')");

        // The other replica follows the new primary.
        cluster.awaitReplicated(DEADLINE);
        assertThat(query(other.dataSource(), "SELECT count(*) FROM faults WHERE phase = 'after promotion'"))
                .isEqualTo("1");

        cluster.rejoinAsStandby(oldPrimary);
        assertThat(oldPrimary.role()).isEqualTo(Role.REPLICA);
        assertThat(cluster.replicas()).containsExactlyInAnyOrder(oldPrimary, other);
        assertThat(query(oldPrimary.dataSource(), "SELECT pg_is_in_recovery()")).isEqualTo("t");
        execute(promoted.dataSource(), "INSERT INTO faults(phase) VALUES ('after rejoin')");
        cluster.awaitReplicated(DEADLINE);
        assertThat(query(
                        oldPrimary.dataSource(),
                        "SELECT count(*) FROM faults WHERE phase IN ('after promotion', 'after rejoin')"))
                .isEqualTo("2");
    }

    @Test
    @Order(7)
    void controlsThatNeedAReplicaSayWhichNode() {
        assertThatThrownBy(() -> cluster.primary().pauseReplay())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pauseReplay needs a replica")
                .hasMessageContaining(cluster.primary().name());
        assertThatThrownBy(() -> cluster.promote(cluster.primary()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a replica");
        assertThatThrownBy(() -> cluster.node("nope")).hasMessageContaining("No node named 'nope'");
    }

    private static String sql(PostgresNode node, String sql) {
        try {
            return query(node.dataSource(), sql);
        } catch (SQLException e) {
            return "error: " + e.getMessage();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }
}
