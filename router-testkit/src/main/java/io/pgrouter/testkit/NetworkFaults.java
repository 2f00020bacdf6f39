package io.pgrouter.testkit;

import java.time.Duration;

/**
 * Network faults on one node whose server keeps running: the node is cut off the network, answers late, or
 * sees its connections reset. Enabled per replica set with {@link PostgresReplicaSet#networkFaults(boolean)}
 * (or {@code @PostgresReplicaSet(networkFaults = true)}); reached through {@link PostgresNode#network()}.
 *
 * <p>Each control replaces the node's current network state: {@link #cutOff()} after {@link #addLatency} leaves
 * the node cut off without latency, {@link #restore()} removes every fault. Closing the replica set restores the
 * network first, so that servers stop cleanly.
 */
public interface NetworkFaults {

    /** How the faults are made on this node. */
    Mechanism mechanism();

    /**
     * Cuts the node off, as a dead host or a partition would: its packets are dropped without any reset. New
     * connections time out (with {@link Mechanism#PROXY}, TCP connects but nothing answers: the client's login or
     * socket timeout fires), open connections hang, replication to and from the node stalls. The server keeps
     * running, and connections that did not time out meanwhile go on after {@link #restore()}.
     */
    void cutOff();

    /**
     * Delays the node's traffic so that every round trip to it takes at least {@code delay} longer; replaces any
     * latency added before. {@link Duration#ZERO} removes it.
     *
     * @throws IllegalArgumentException when {@code delay} is negative, or above one minute
     * @throws UnsupportedOperationException with {@link Mechanism#NAMESPACE} on a kernel without {@code sch_netem}
     */
    void addLatency(Duration delay);

    /**
     * Resets every open TCP connection of the node: clients get a connection reset at once (their next read or
     * write fails), replication connections are reset too and reconnect. New connections work as before.
     */
    void resetConnections();

    /** Removes every fault: the node answers at full speed again. Harmless when no fault is active. */
    void restore();

    /** How network faults are made. */
    enum Mechanism {
        /**
         * Each server runs in a Linux network namespace of its own, reached through a virtual Ethernet pair;
         * faults are traffic-control queues on both ends and socket destruction ({@code ss -K}) inside the
         * namespace. Needs root, {@code ip}, {@code tc} and {@code ss}; latency needs {@code sch_netem}.
         */
        NAMESPACE,
        /**
         * A TCP proxy in the JVM in front of each server, on the node's port: what clients and replicas reach.
         * Works anywhere, but only on connections to the node, and a cut-off node still completes TCP handshakes.
         */
        PROXY
    }
}
