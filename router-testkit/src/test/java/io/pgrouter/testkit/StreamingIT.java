package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A shared primary + 2 replicas: replication really streams, and the extension injects one cluster everywhere. */
@io.pgrouter.testkit.junit.PostgresReplicaSet(replicas = 2)
class StreamingIT {

    private ReplicaSet injectedField;

    @Test
    void aRowWrittenOnThePrimaryIsReadOnEveryReplica(ReplicaSet cluster) throws SQLException {
        assertThat(cluster).isSameAs(injectedField);
        execute(
                cluster.primary().dataSource(),
                "CREATE TABLE IF NOT EXISTS streaming_probe(id int primary key, note text)");
        execute(
                cluster.primary().dataSource(),
                "INSERT INTO streaming_probe VALUES (1, 'hello') ON CONFLICT (id) DO NOTHING");

        cluster.awaitReplicated(Duration.ofSeconds(30));

        assertThat(cluster.replicas()).hasSize(2);
        for (PostgresNode replica : cluster.replicas()) {
            assertThat(query(replica.dataSource(), "SELECT note FROM streaming_probe WHERE id = 1"))
                    .isEqualTo("hello");
            assertThat(query(replica.dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("t");
            assertThat(query(replica.dataSource(), "SELECT status FROM pg_stat_wal_receiver"))
                    .isEqualTo("streaming");
            assertThat(query(replica.dataSource(), "SELECT inet_server_port()"))
                    .isEqualTo(Integer.toString(replica.port()));
        }
        assertThat(query(cluster.primary().dataSource(), "SELECT pg_is_in_recovery()"))
                .isEqualTo("f");
    }

    @Test
    void lagInBytesIsMeasuredOnThePrimary(ReplicaSet cluster) throws SQLException {
        execute(cluster.primary().dataSource(), "CREATE TABLE IF NOT EXISTS lag_probe(x int)");
        execute(cluster.primary().dataSource(), "INSERT INTO lag_probe SELECT generate_series(1, 1000)");
        cluster.awaitReplicated(Duration.ofSeconds(30));

        String lag = query(
                cluster.primary().dataSource(),
                "SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) FROM pg_stat_replication WHERE state = 'streaming'");
        assertThat(lag).isNotNull();
        assertThat(Long.parseLong(lag)).isGreaterThanOrEqualTo(0);
        assertThat(query(
                        cluster.primary().dataSource(),
                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
                .isEqualTo("2");
    }

    @Test
    void nodesDescribeThemselves(ReplicaSet cluster) {
        assertThat(cluster.majorVersion()).isEqualTo(18);
        assertThat(cluster.nodes()).extracting(PostgresNode::name).containsExactly("primary", "replica-1", "replica-2");
        assertThat(cluster.primary().jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + cluster.primary().port() + "/postgres");
        assertThat(cluster.node("replica-2")).isSameAs(cluster.replica(1));
        assertThat(cluster.nodes()).allMatch(PostgresNode::isRunning);
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
