package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.junit.EnabledIfPatroniInstalled;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Patroni cluster (etcd + 3 members) shared by the tests of this class. Each test starts from a healthy
 * cluster (a leader, every running member streaming from it) and leaves one behind, so that their order does not matter.
 */
@EnabledIfPatroniInstalled
class PatroniClusterIT {

    private static final Logger log = LoggerFactory.getLogger(PatroniClusterIT.class);
    /** Generous: a 2-core machine shared with other builds; Patroni itself needs about ttl (8 s) for a failover. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static PatroniCluster cluster;

    @BeforeAll
    static void startCluster() {
        long started = System.nanoTime();
        cluster = PatroniCluster.start(3);
        log.info("Measured: a 3-member Patroni cluster started in {} ms", millisSince(started));
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void healthy() {
        cluster.awaitStreaming(DEADLINE);
    }

    @Test
    void startsWithOneLeaderAndTwoStreamingReplicas() throws SQLException {
        List<PatroniMember> members = cluster.members();

        assertThat(members).extracting(PatroniMember::name).contains("member-1", "member-2", "member-3");
        assertThat(members).filteredOn(PatroniMember::isLeader).hasSize(1);
        assertThat(members).filteredOn(m -> m.role().equals("replica")).hasSizeGreaterThanOrEqualTo(2);
        PatroniMember leader = cluster.leader();
        assertThat(query(cluster.jdbcUrl(leader), "SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertThat(query(cluster.jdbcUrl(leader), "SELECT inet_server_port()"))
                .isEqualTo(Integer.toString(leader.pgPort()));
        for (PatroniMember replica : members.stream().filter(m -> !m.isLeader()).toList()) {
            assertThat(query(cluster.jdbcUrl(replica), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("t");
            assertThat(query(
                            cluster.jdbcUrl(replica),
                            "SELECT status FROM pg_stat_wal_receiver WHERE sender_port = " + leader.pgPort()))
                    .isEqualTo("streaming");
        }
        assertThat(cluster.restUrls()).contains(leader.restUrl());
    }

    @Test
    void aSwitchoverMovesTheLeader() throws SQLException {
        PatroniMember before = cluster.leader();
        String candidate = cluster.members().stream()
                .filter(m -> !m.isLeader())
                .findFirst()
                .orElseThrow()
                .name();

        long started = System.nanoTime();
        PatroniMember after = cluster.switchover(candidate);
        log.info(
                "Measured: Patroni switchover from {} to {} done in {} ms",
                before.name(),
                candidate,
                millisSince(started));

        assertThat(after.name()).isEqualTo(candidate);
        assertThat(cluster.leader().name()).isEqualTo(candidate);
        assertThat(query(cluster.jdbcUrl(candidate), "SELECT pg_is_in_recovery()"))
                .isEqualTo("f");
        cluster.awaitStreaming(DEADLINE);
        assertThat(query(
                        cluster.jdbcUrl(before),
                        "SELECT status FROM pg_stat_wal_receiver WHERE sender_port = " + after.pgPort()))
                .as("the old leader follows the new one")
                .isEqualTo("streaming");
    }

    @Test
    void aSwitchoverToTheLeaderIsRefused() {
        String leader = cluster.leader().name();

        assertThatThrownBy(() -> cluster.switchover(leader))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already leads");
        assertThatThrownBy(() -> cluster.switchover("member-99"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member-99")
                .hasMessageContaining("member-1");
    }

    @Test
    void killingTheLeaderMakesPatroniPromoteAnotherMember() throws SQLException {
        PatroniMember old = cluster.leader();

        long killed = System.nanoTime();
        cluster.kill(old.name());
        PatroniMember promoted = cluster.awaitLeader(DEADLINE);
        log.info(
                "Measured: Patroni failover after killing leader {}: {} leads after {} ms (ttl {} s)",
                old.name(),
                promoted.name(),
                millisSince(killed),
                PatroniConfig.TTL_SECONDS);

        assertThat(promoted.name()).isNotEqualTo(old.name());
        assertThat(query(cluster.jdbcUrl(promoted), "SELECT pg_is_in_recovery()"))
                .isEqualTo("f");
        execute(cluster.jdbcUrl(promoted), "CREATE TABLE IF NOT EXISTS after_failover(id int)");

        long restarted = System.nanoTime();
        cluster.start(old.name());
        cluster.awaitStreaming(DEADLINE);
        log.info(
                "Measured: the killed leader {} rejoined as a streaming replica after {} ms",
                old.name(),
                millisSince(restarted));
        assertThat(query(cluster.jdbcUrl(old.name()), "SELECT pg_is_in_recovery()"))
                .isEqualTo("t");
    }

    @Test
    void anAddedMemberJoinsAndStreamsAndARemovedOneLeaves() throws SQLException {
        execute(cluster.jdbcUrl(cluster.leader()), "CREATE TABLE IF NOT EXISTS before_join(id int)");

        long started = System.nanoTime();
        PatroniMember added = cluster.addMember();
        cluster.awaitStreaming(DEADLINE);
        log.info("Measured: added member {} streams after {} ms", added.name(), millisSince(started));

        assertThat(cluster.members()).extracting(PatroniMember::name).contains(added.name());
        assertThat(query(cluster.jdbcUrl(added), "SELECT pg_is_in_recovery()")).isEqualTo("t");
        assertThat(query(cluster.jdbcUrl(added), "SELECT to_regclass('before_join') IS NOT NULL"))
                .isEqualTo("t");

        cluster.removeMember(added.name());

        assertThat(cluster.members()).extracting(PatroniMember::name).doesNotContain(added.name());
        assertThatThrownBy(() -> cluster.jdbcUrl(added.name())).isInstanceOf(IllegalArgumentException.class);
    }

    private static String query(String jdbcUrl, String sql) throws SQLException {
        return Jdbc.query(cluster, jdbcUrl, sql);
    }

    private static void execute(String jdbcUrl, String sql) throws SQLException {
        Jdbc.execute(cluster, jdbcUrl, sql);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
