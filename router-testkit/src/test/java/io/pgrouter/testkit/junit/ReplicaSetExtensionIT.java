package io.pgrouter.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.pgrouter.testkit.ReplicaSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs small test classes through JUnit itself to see which cluster each one gets and when it is closed. */
class ReplicaSetExtensionIT {

    static final Map<String, ReplicaSet> SEEN = new ConcurrentHashMap<>();

    @Test
    void sameShapeSharesIsolatedGetsItsOwnAndEveryClusterIsClosedAtTheEnd() {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SharedOne.class), selectClass(SharedTwo.class), selectClass(Isolated.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.succeeded(3).failed(0));

        assertThat(SEEN.get("shared-one")).isSameAs(SEEN.get("shared-two"));
        assertThat(SEEN.get("isolated")).isNotSameAs(SEEN.get("shared-one"));
        assertThat(SEEN.values())
                .allSatisfy(cluster -> assertThat(cluster.primary().isRunning()).isFalse());
    }

    @PostgresReplicaSet(replicas = 0)
    static class SharedOne {
        @Test
        void records(ReplicaSet cluster) {
            SEEN.put("shared-one", cluster);
        }
    }

    @PostgresReplicaSet(replicas = 0)
    static class SharedTwo {
        @Test
        void records(ReplicaSet cluster) {
            SEEN.put("shared-two", cluster);
        }
    }

    @PostgresReplicaSet(replicas = 0, isolated = true)
    static class Isolated {
        private ReplicaSet cluster;

        @Test
        void records() {
            SEEN.put("isolated", cluster);
        }
    }
}
