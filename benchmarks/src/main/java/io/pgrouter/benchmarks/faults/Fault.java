package io.pgrouter.benchmarks.faults;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;

/**
 * A fault the suite injects into a running primary + 2 replicas while the load runs, and how the cluster is made
 * whole again afterwards. Faults on the primary promote {@code replica-1}; healing makes the old primary a standby
 * of the new one, so the next trial starts from the same shape (another node may be the primary).
 */
public enum Fault {

    REPLICA_KILLED("replica SIGKILL", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            cluster.replica(0).kill();
        }
    },
    REPLICA_STOPPED("replica fast shutdown", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            cluster.replica(0).stop();
        }
    },
    REPLICA_FROZEN("replica frozen (SIGSTOP)", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            cluster.replica(0).freeze();
        }
    },
    ALL_REPLICAS_DOWN("all replicas stopped", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            cluster.replicas().forEach(PostgresNode::stop);
        }
    },
    PRIMARY_KILLED_REPLICA_PROMOTED("primary SIGKILL, replica promoted", true) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            PostgresNode target = cluster.replica(0);
            cluster.primary().kill();
            hooks.beforePromotion();
            cluster.promote(target);
            hooks.promoted();
        }
    },
    PRIMARY_POOL_EXHAUSTED("primary pool exhausted", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) throws Exception {
            hooks.exhaustPrimaryPool();
        }
    };

    private final String title;
    private final boolean promotes;

    Fault(String title, boolean promotes) {
        this.title = title;
        this.promotes = promotes;
    }

    /** What the fault is, for reports. */
    public String title() {
        return title;
    }

    /** Whether the fault ends with another node as the primary. */
    public boolean promotes() {
        return promotes;
    }

    /** Breaks the cluster; returns when the fault is in place (for a promotion: when the new primary takes writes). */
    abstract void inject(ReplicaSet cluster, Hooks hooks) throws Exception;

    /** Makes every node run again, every replica stream from the primary, and waits until they caught up. */
    void heal(ReplicaSet cluster, PostgresNode oldPrimary) {
        for (PostgresNode node : cluster.nodes()) {
            if (node.isRunning()) {
                node.thaw();
            }
        }
        if (cluster.primary() != oldPrimary) {
            cluster.rejoinAsStandby(oldPrimary);
        }
        for (PostgresNode node : cluster.nodes()) {
            if (!node.isRunning()) {
                node.start();
            }
        }
        cluster.awaitReplicated(java.time.Duration.ofSeconds(60));
    }

    /** What a fault needs from the trial around it. */
    interface Hooks {
        /** The old primary is gone; the promotion starts now. */
        default void beforePromotion() {
        }

        /** The new primary takes writes. */
        default void promoted() {
        }

        /** Holds every connection of the primary's pool for a while. */
        default void exhaustPrimaryPool() throws Exception {
        }
    }
}
