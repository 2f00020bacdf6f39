package io.pgrouter.testkit;

import io.pgrouter.testkit.internal.FaultProxy;
import io.pgrouter.testkit.internal.FreePorts;

/**
 * A TCP proxy in this JVM in front of one node, on a port of its own: network faults on the path of the clients
 * given {@link #jdbcUrl()} only, while every other client (the replicas, other application instances, the test
 * itself) reaches the node directly. For one application instance's view of a node, say its health probes timing
 * out while the others' do not. Works anywhere, without a replica set's {@code networkFaults}; its faults behave as
 * {@link NetworkFaults.Mechanism#PROXY} describes.
 *
 * <p>It forwards to the node's address as it is when the proxy starts; close it when done (its threads end then).
 */
public final class NodeProxy implements AutoCloseable {

    private final PostgresNode node;
    private final FaultProxy proxy;

    private NodeProxy(PostgresNode node, FaultProxy proxy) {
        this.node = node;
        this.proxy = proxy;
    }

    /** Starts a proxy in front of {@code node}. */
    public static NodeProxy inFrontOf(PostgresNode node) {
        return new NodeProxy(node, FaultProxy.inFrontOf(node.name(), node.host(), node.port()));
    }

    /** The node's JDBC URL through the proxy: the same database and user, another port. */
    public String jdbcUrl() {
        return node.jdbcUrl()
                .replace(
                        "//" + node.host() + ":" + node.port() + "/", "//" + FreePorts.HOST + ":" + proxy.port() + "/");
    }

    /** The faults of the path through this proxy. */
    public NetworkFaults faults() {
        return proxy;
    }

    /** Stops the proxy and resets the connections through it. */
    @Override
    public void close() {
        proxy.close();
    }

    @Override
    public String toString() {
        return "NodeProxy[" + node.name() + " on port " + proxy.port() + "]";
    }
}
