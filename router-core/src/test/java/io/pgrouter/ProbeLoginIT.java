package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The health monitor's own login: a role with nothing but {@code pg_monitor} is enough for every probe, and the
 * application's user is not used for probes at all.
 */
@PostgresReplicaSet(replicas = 1)
class ProbeLoginIT {

    private static final String MONITOR = "pgrouter_monitor_it";
    private static final String MONITOR_PASSWORD = "monitor-pw-it";

    static ReplicaSet cluster;

    @BeforeAll
    static void createMonitoringRole() throws SQLException {
        // Created on the primary, it reaches the replica by replication.
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + MONITOR + "') THEN"
                + " CREATE ROLE " + MONITOR + " LOGIN PASSWORD '" + MONITOR_PASSWORD
                + "' IN ROLE pg_monitor; END IF; END $$");
        cluster.awaitReplicated(Duration.ofSeconds(30));
        assertThat(query("SELECT string_agg(b.rolname, ',') FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid"
                        + " JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '" + MONITOR + "'"))
                .isEqualTo("pg_monitor");
        assertThat(query("SELECT rolsuper OR rolreplication OR rolcreaterole FROM pg_roles WHERE rolname = '" + MONITOR
                        + "'"))
                .isEqualTo("f");
    }

    @Test
    void probesLogInAsTheMonitoringUserAndMeasureLag() throws SQLException {
        try (RoutingDataSource router = TestRouters.routerFor(cluster)
                .probeInterval(Duration.ofMillis(200))
                .probeLogin(MONITOR, MONITOR_PASSWORD)
                .build()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("replica-1").eligible()
                            && router.status().node("replica-1").lagBytes() >= 0);
            assertThat(
                            query(
                                    "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE application_name = 'pgrouter-probe'"))
                    .isEqualTo(MONITOR);
            assertThat(router.status().node("primary").timeline()).isPositive();
        }
    }

    @Test
    void theApplicationsUserIsNotNeededForProbes() {
        // The pools cannot log in (wrong password), the probes can: the nodes are probed healthy all the same.
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(cluster.primary().jdbcUrl(), cluster.user(), "not-the-password")
                .replica("replica-1", cluster.replica(0).jdbcUrl(), cluster.user(), "not-the-password")
                .probeInterval(Duration.ofMillis(200))
                .probeLogin(MONITOR, MONITOR_PASSWORD);
        try (RoutingDataSource router = builder.build()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("replica-1").eligible());
            List<String> health = new ArrayList<>();
            router.status().nodes().forEach(n -> health.add(n.name() + "=" + n.health()));
            assertThat(health).containsExactly("primary=HEALTHY", "replica-1=HEALTHY");
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
