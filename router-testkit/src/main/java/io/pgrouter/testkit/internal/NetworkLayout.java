package io.pgrouter.testkit.internal;

/**
 * Gives each local node of one replica set its {@link NodeNetwork}, and frees what that took when the set closes.
 */
interface NetworkLayout extends AutoCloseable {

    /** The network of node number {@code index} (0 for the first primary) that asked for {@code port}. */
    NodeNetwork node(String name, int index, int port);

    /** Removes every fault of every node, so that servers can stop cleanly. */
    void restoreAll();

    /** Frees everything the layout made; safe to call more than once, never throws. */
    @Override
    void close();

    /** No network faults: each server on the loopback address. */
    NetworkLayout LOOPBACK = new NetworkLayout() {
        @Override
        public NodeNetwork node(String name, int index, int port) {
            return NodeNetwork.loopback(port);
        }

        @Override
        public void restoreAll() {}

        @Override
        public void close() {}
    };
}
