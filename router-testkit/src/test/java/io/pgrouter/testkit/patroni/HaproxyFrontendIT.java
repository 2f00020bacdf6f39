package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.junit.EnabledIfPatroniInstalled;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HAProxy with Patroni's recommended checks in front of a real 2-member Patroni cluster. */
@EnabledIfPatroniInstalled(haproxy = true)
class HaproxyFrontendIT {

    private static final Logger log = LoggerFactory.getLogger(HaproxyFrontendIT.class);
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static PatroniCluster cluster;
    private static HaproxyFrontend haproxy;

    @BeforeAll
    static void start() {
        cluster = PatroniCluster.start(2);
        haproxy = HaproxyFrontend.start(cluster);
    }

    @AfterAll
    static void close() {
        if (haproxy != null) {
            haproxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void writesThroughThePrimaryPortLandOnTheLeaderAndAfterASwitchoverOnTheNewLeader() throws SQLException {
        PatroniMember first = cluster.leader();
        try (Connection c = connect(haproxy.primaryJdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS through_haproxy(id int, written_on int)");
            s.execute("INSERT INTO through_haproxy VALUES (1, inet_server_port())");
        }
        assertThat(query(cluster.jdbcUrl(first), "SELECT written_on FROM through_haproxy WHERE id = 1"))
                .isEqualTo(Integer.toString(first.pgPort()));
        assertThat(haproxy.replicaServersUp()).doesNotContain(first.name());

        cluster.awaitStreaming(DEADLINE);
        PatroniMember second = cluster.switchover(cluster.members().stream()
                .filter(m -> !m.isLeader())
                .findFirst()
                .orElseThrow()
                .name());
        long switched = System.nanoTime();
        haproxy.awaitPrimary(second.name(), DEADLINE);
        log.info(
                "Measured: HAProxy (checks every {} ms) routes to the new leader {} ms after Patroni's switchover returned",
                HaproxyFrontend.RECOMMENDED_CHECK_INTERVAL.toMillis(),
                (System.nanoTime() - switched) / 1_000_000);

        try (Connection c = connect(haproxy.primaryJdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO through_haproxy VALUES (2, inet_server_port())");
        }
        assertThat(query(cluster.jdbcUrl(second), "SELECT written_on FROM through_haproxy WHERE id = 2"))
                .isEqualTo(Integer.toString(second.pgPort()));
        assertThat(query(haproxy.primaryJdbcUrl(), "SELECT pg_is_in_recovery()"))
                .isEqualTo("f");
    }

    @Test
    void theReplicaPortLeadsToAReplicaOnceItsChecksPass() throws SQLException {
        cluster.awaitStreaming(DEADLINE);
        PatroniMember replica = cluster.members().stream()
                .filter(m -> !m.isLeader())
                .findFirst()
                .orElseThrow();
        await().atMost(DEADLINE).until(haproxy::replicaServersUp, up -> up.equals(List.of(replica.name())));

        assertThat(query(haproxy.replicaJdbcUrl(), "SELECT inet_server_port()"))
                .isEqualTo(Integer.toString(replica.pgPort()));
        assertThat(query(haproxy.replicaJdbcUrl(), "SELECT pg_is_in_recovery()"))
                .isEqualTo("t");
    }

    private static Connection connect(String jdbcUrl) throws SQLException {
        return Jdbc.connect(cluster, jdbcUrl);
    }

    private static String query(String jdbcUrl, String sql) throws SQLException {
        return Jdbc.query(cluster, jdbcUrl, sql);
    }
}
