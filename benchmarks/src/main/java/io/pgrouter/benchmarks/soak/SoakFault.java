package io.pgrouter.benchmarks.soak;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;

/**
 * The faults a soak cycles through, on a primary and one replica: each is injected, held, and healed, after which
 * every node runs and the replica has caught up.
 */
enum SoakFault {
    /** The replica stops with a fast shutdown and starts again: reads move to the primary and back. */
    REPLICA_STOPPED("replica stopped, started again") {
        @Override
        void run(ReplicaSet cluster, Duration hold) throws InterruptedException {
            PostgresNode replica = cluster.replica(0);
            replica.stop();
            Thread.sleep(hold.toMillis());
            replica.start();
        }
    },
    /** The replica's replay pauses and resumes: it leaves rotation on lag and returns. */
    REPLAY_PAUSED("replica replay paused, resumed") {
        @Override
        void run(ReplicaSet cluster, Duration hold) throws InterruptedException {
            PostgresNode replica = cluster.replica(0);
            replica.pauseReplay();
            Thread.sleep(hold.toMillis());
            replica.resumeReplay();
        }
    },
    /**
     * The primary stops (a fast shutdown hands the replica its last WAL: nothing acknowledged is lost), the replica is
     * promoted, and the old primary comes back as a replica of the new one. Writes fail until the router sees the new
     * primary; the roles are swapped afterwards, so the next promotion swaps them back.
     */
    PROMOTION("primary stopped, replica promoted, old primary rejoined as a replica") {
        @Override
        void run(ReplicaSet cluster, Duration hold) {
            PostgresNode oldPrimary = cluster.primary();
            cluster.promote(cluster.replica(0), ReplicaSet.OldPrimary.STOP);
            cluster.rejoinAsStandby(oldPrimary);
        }
    };

    private final String title;

    SoakFault(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }

    /** Injects the fault, holds it for {@code hold} where it has a duration, and heals it. */
    abstract void run(ReplicaSet cluster, Duration hold) throws InterruptedException;
}
