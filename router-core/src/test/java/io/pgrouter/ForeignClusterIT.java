package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node of another cluster in the configuration (a restored copy, a test promotion elsewhere) never takes writes
 * and never serves reads, even when it answers as a primary on a higher timeline than the real one; over plain
 * connections and over verify-full TLS.
 */
class ForeignClusterIT {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPrimaryOfAnotherClusterOnAHigherTimelineNeverTakesWritesOrReads(Transport transport) throws Exception {
        try (ReplicaSet ours = transport.start(1);
                ReplicaSet theirs = transport.start(1)) {
            // Their replica promoted: a primary on timeline 2, where ours is on timeline 1. Over TLS it is verified
            // against its own cluster's CA, so that only the system identifier tells it apart.
            PostgresNode foreign = theirs.replica(0);
            theirs.promote(foreign);
            try (RoutingDataSource router = transport
                    .addReplica(transport.routerFor(ours), "foreign", foreign, theirs)
                    .probeInterval(INTERVAL)
                    .build()) {
                Awaitility.await("our replica in rotation")
                        .atMost(DEADLINE)
                        .until(() -> router.status().node("replica-1").eligible());
                NodeStatus status = router.status().node("foreign");
                System.out.println("Foreign node: " + status.notEligibleReason());
                assertThat(status.role()).isEqualTo(NodeRole.REPLICA);
                assertThat(status.eligible()).isFalse();
                assertThat(status.notEligibleReason())
                        .contains("belongs to another cluster (system identifier ")
                        .contains(", expected ");
                assertThat(status.timeline()).isEqualTo(2);
                assertThat(router.status().primary().name()).isEqualTo("primary");

                for (int i = 0; i < 20; i++) {
                    assertThat(write(router).port()).isEqualTo(ours.primary().port());
                    assertThat(read(router).port()).isEqualTo(ours.replica(0).port());
                }

                // Our primary gone: the foreign primary is still not taken; writes fail at once, naming ours.
                ours.primary().stop();
                try {
                    Awaitility.await("our primary known down")
                            .atMost(DEADLINE)
                            .until(() -> router.status().primary().notEligibleReason() != null
                                    && router.status()
                                            .primary()
                                            .notEligibleReason()
                                            .contains("probe failed"));
                    Awaitility.await("writes fail at once")
                            .atMost(DEADLINE)
                            .ignoreExceptionsInstanceOf(AssertionError.class)
                            .untilAsserted(() -> assertThatThrownBy(() -> write(router))
                                    .isInstanceOf(SQLTransientConnectionException.class)
                                    .hasMessageContaining("Primary 'primary' is down"));
                    assertThat(router.status().primary().name()).isEqualTo("primary");
                    assertThat(router.status().node("foreign").eligible()).isFalse();
                    assertThat(router.status().node("foreign").routes().values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum())
                            .as("connections ever routed to the foreign node")
                            .isZero();
                } finally {
                    ours.primary().start();
                }
            }
        }
    }

    private static Where write(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS written(x int)");
            s.execute("INSERT INTO written VALUES (1)");
            return Where.of(c);
        }
    }

    private static Where read(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            return Where.of(c);
        }
    }
}
