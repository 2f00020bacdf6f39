package io.pgrouter.benchmarks.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fault suite's short form: one trial of each fault under load (8 threads, 80% reads) through pgrouter, on a
 * primary + 2 replicas started with the test kit's network faults: no read fails, no write reaches a replica, no
 * acknowledged write is lost, every write started after a promotion succeeds, no call hangs and no connection is
 * left out. The benchmark entry ({@link FaultSuiteEntry}) runs 10 trials per fault beside pgjdbc's multi-host URL.
 */
class FaultSuiteIT {

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    private static ReplicaSet cluster;
    private static final List<FaultTrial.Outcome> outcomes = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = PostgresReplicaSet.builder().replicas(2).networkFaults(true).start();
    }

    @AfterAll
    static void closeCluster() {
        outcomes.forEach(o -> System.out.println("fault suite: " + o));
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void noReadFailsNoAcknowledgedWriteIsLostAndNoConnectionLeaks(Fault fault) throws Exception {
        FaultTrial.Outcome o = FaultTrial.run(
                cluster,
                fault,
                Target.pgrouter(8, CONNECTION_TIMEOUT, PROBE_INTERVAL),
                8,
                Duration.ofSeconds(1),
                Duration.ofSeconds(4));
        outcomes.add(o);
        System.out.println("fault suite: " + o);
        assertThat(o.reads()).as("reads served").isPositive();
        assertThat(o.failedReads())
                .as("failed reads (first: %s)", o.firstReadError())
                .isZero();
        if (fault.promotes()) {
            // The router knows of the new primary at its next probe round; a write attempted before that may fail
            // fast (no primary answers), one attempted after it must not fail. Two probe intervals cover a round
            // that was already running when the promotion came, and the probe itself.
            assertThat(o.lastFailedWriteStartAfterPromotionMs())
                    .as(
                            "start of the last failed write after the promotion, ms (%d failed after it; first failure:"
                                    + " %s)",
                            o.writesFailedAfterPromotion(), o.firstWriteError())
                    .isLessThan(PROBE_INTERVAL.multipliedBy(2).toMillis());
        }
        // No call hangs: the longest one a fault may cause is a pool's connection timeout plus the time the monitor
        // takes to cut a silent node's connections, far below this.
        assertThat(o.slowestCallMs()).as("slowest call, ms").isLessThan(30_000);
        assertThat(o.hungCalls())
                .as("calls still running 15 s after the load stopped")
                .isZero();
        assertThat(o.lostWrites())
                .as("acknowledged writes missing on the final primary")
                .isZero();
        assertThat(o.writesOnReplica()).as("writes that reached a replica").isZero();
        assertThat(o.activeAfter())
                .as("connections still out after the load stopped")
                .allSatisfy((pool, n) -> assertThat(n).isZero());
    }
}
