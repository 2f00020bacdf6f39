package io.pgrouter.benchmarks.faults;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;

/**
 * A fault the suite injects into a running primary + 2 replicas (started with the test kit's network faults) while
 * the load runs, and how the cluster is made whole again afterwards. Faults on the primary promote {@code replica-1}; healing makes the old primary a standby
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
    REPLICA_CUT_OFF("replica cut off the network", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            cluster.replica(0).network().cutOff();
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
    PRIMARY_CUT_OFF_REPLICA_PROMOTED("primary cut off the network, replica promoted", true) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            PostgresNode target = cluster.replica(0);
            cluster.primary().network().cutOff();
            hooks.beforePromotion();
            cluster.promote(target);
            hooks.promoted();
        }
    },
    PRIMARY_SLOW("primary answering slowly (300 ms added to every round trip)", false) {
        @Override
        void inject(ReplicaSet cluster, Hooks hooks) {
            cluster.primary().network().addLatency(java.time.Duration.ofMillis(300));
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

    /**
     * Readies the cluster before the load starts. A fault that promotes makes the replica it will promote a
     * synchronous standby first, as a failover that must lose nothing needs: with asynchronous replication a
     * primary that crashes takes with it what the replica had not received yet, whatever the client side does.
     */
    void prepare(ReplicaSet cluster) {
        if (promotes()) {
            SyncStandby.require(cluster.primary(), cluster.replica(0));
        }
    }

    /** Breaks the cluster; returns when the fault is in place (for a promotion: when the new primary takes writes). */
    abstract void inject(ReplicaSet cluster, Hooks hooks) throws Exception;

    /** Makes every node run again, every replica stream from the primary, and waits until they caught up. */
    void heal(ReplicaSet cluster, PostgresNode oldPrimary) {
        for (PostgresNode node : cluster.nodes()) {
            node.network().restore();
            if (node.isRunning()) {
                node.thaw();
            }
        }
        if (cluster.primary() != oldPrimary) {
            cluster.rejoinAsStandby(oldPrimary);
        }
        SyncStandby.clear(cluster.primary());
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
        default void beforePromotion() {}

        /** The new primary takes writes. */
        default void promoted() {}

        /** Holds every connection of the primary's pool for a while. */
        default void exhaustPrimaryPool() throws Exception {}
    }
}
