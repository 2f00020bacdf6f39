package io.pgrouter.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.NodeRole;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@PostgresReplicaSet(replicas = 2)
class NodeProbeIT {

    @BeforeAll
    static void monitoringUser(ReplicaSet cluster) throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'probe_only') THEN "
                    + "CREATE ROLE probe_only LOGIN PASSWORD 'probe-secret' IN ROLE pg_monitor; END IF; END $$");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    @Test
    void aPrimaryReportsItsPositionAndTimeline(ReplicaSet cluster) {
        try (NodeProbe probe = probe(cluster.primary(), "probe_only", "probe-secret")) {
            ProbeResult r = probe.probe();
            assertThat(r.error()).isNull();
            assertThat(r.ok()).isTrue();
            assertThat(r.inRecovery()).isFalse();
            assertThat(r.currentLsn()).isPositive();
            assertThat(r.timeline()).isEqualTo(1);
            assertThat(r.receiverStatus()).isNull();
            assertThat(r.replayPaused()).isFalse();
            assertThat(r.latencyNanos()).isPositive();
        }
    }

    @Test
    void aReplicaReportsReceiveAndReplayPositionsToAMonitoringOnlyUser(ReplicaSet cluster) {
        try (NodeProbe primary = probe(cluster.primary(), "probe_only", "probe-secret");
                NodeProbe replica = probe(cluster.replica(0), "probe_only", "probe-secret")) {
            long primaryLsn = primary.probe().currentLsn();
            cluster.awaitReplicated(Duration.ofSeconds(30));
            ProbeResult r = replica.probe();
            assertThat(r.error()).isNull();
            assertThat(r.inRecovery()).isTrue();
            assertThat(r.currentLsn()).isEqualTo(-1);
            assertThat(r.replayLsn()).isGreaterThanOrEqualTo(primaryLsn);
            assertThat(r.receiveLsn()).isGreaterThanOrEqualTo(r.replayLsn());
            assertThat(r.receiverStatus()).isEqualTo("streaming");
            assertThat(r.timeline()).isEqualTo(1);
        }
    }

    @Test
    void everyNodeOfTheClusterReportsTheSameSystemIdentifierToAMonitoringOnlyUser(ReplicaSet cluster) {
        try (NodeProbe primary = probe(cluster.primary(), "probe_only", "probe-secret");
                NodeProbe replica = probe(cluster.replica(0), "probe_only", "probe-secret")) {
            long identifier = primary.probe().systemIdentifier();
            assertThat(identifier).isNotZero();
            assertThat(replica.probe().systemIdentifier()).isEqualTo(identifier);
            assertThat(primary.probe().systemIdentifier())
                    .as("cached per connection")
                    .isEqualTo(identifier);
        }
    }

    @Test
    void anAbortCutsAProbeBlockedOnAFrozenNodeAtOnce(ReplicaSet cluster) throws Exception {
        PostgresNode replica = cluster.replica(1);
        ExecutorService probeThread = Executors.newSingleThreadExecutor();
        try (NodeProbe probe = probe(replica, cluster.user(), cluster.password())) {
            assertThat(probe.probe().ok()).isTrue();
            replica.freeze();
            Future<ProbeResult> blocked = probeThread.submit(probe::probe);
            // The probe stays blocked on the frozen server; the socket timeout (the backstop) is 2 s away.
            Awaitility.await("probe blocked")
                    .during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> !blocked.isDone());
            long aborted = System.nanoTime();
            probe.abort();
            ProbeResult r = blocked.get(1500, TimeUnit.MILLISECONDS);
            long cutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - aborted);
            System.out.println(
                    "A probe blocked on a frozen node ended " + cutMillis + " ms after abort(): " + r.error());
            assertThat(r.ok()).isFalse();
        } finally {
            replica.thaw();
            probeThread.shutdownNow();
        }
    }

    @Test
    void pausedReplayIsReported(ReplicaSet cluster) {
        PostgresNode replica = cluster.replica(1);
        replica.pauseReplay();
        try (NodeProbe probe = probe(replica, cluster.user(), cluster.password())) {
            assertThat(probe.probe().replayPaused()).isTrue();
        } finally {
            replica.resumeReplay();
        }
    }

    @Test
    void aWrongPasswordIsAFailedProbeNamingTheCauseButNotThePassword(ReplicaSet cluster) {
        try (NodeProbe probe = probe(cluster.primary(), cluster.user(), "wrong-password-xyz")) {
            ProbeResult r = probe.probe();
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).contains("password authentication failed").doesNotContain("wrong-password-xyz");
        }
    }

    static NodeProbe probe(PostgresNode node, String user, String password) {
        NodeConfig config = new NodeConfig(node.name(), NodeRole.REPLICA, node.jdbcUrl(), user, password, Map.of(), 1);
        return new NodeProbe(config, Duration.ofMillis(400));
    }
}
