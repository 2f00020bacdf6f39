package io.pgrouter.benchmarks.switchover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.benchmarks.switchover.SwitchoverRounds.Outcome;
import io.pgrouter.benchmarks.switchover.SwitchoverRounds.Round;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import org.junit.jupiter.api.Test;

/**
 * The switchover entry's short form: two switchovers, there and back, under the load of three routers (8 threads
 * each) on a primary + 2 replicas: both complete, no write fails, every acknowledged write is on the final primary.
 * The benchmark entry ({@link SwitchoverEntry}) runs 10 beside pgjdbc's multi-host URL with an operator's promotion.
 * No timing is asserted here: the pauses are measured, on a shared machine, by the entry.
 */
class SwitchoverRoundsIT {

    @Test
    void switchoversThereAndBackUnderLoadFromThreeRoutersFailAndLoseNoWrite() throws Exception {
        Outcome o;
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(2).start()) {
            o = SwitchoverRounds.pgrouter(cluster, 3, 2, SwitchoverEntry.PROBE_INTERVAL, System.out::println);
        }
        for (Round r : o.rounds()) {
            System.out.println("switchover round: " + r);
        }
        System.out.println("switchover outcome: " + o);
        assertThat(o.rounds()).extracting(Round::result).containsExactly("completed", "completed");
        assertThat(o.rounds()).extracting(Round::to).containsExactly("replica-1", "primary");
        assertThat(o.writes()).as("writes acknowledged").isPositive();
        assertThat(o.reads()).as("reads served").isPositive();
        assertThat(o.failedWrites())
                .as("failed writes (first: %s)", o.firstWriteError())
                .isZero();
        assertThat(o.lostWrites())
                .as("acknowledged writes missing on the final primary, per instance")
                .containsOnly(0L);
        assertThat(o.hungCalls()).isZero();
    }
}
