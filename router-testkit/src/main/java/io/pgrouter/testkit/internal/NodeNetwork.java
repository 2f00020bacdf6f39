package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults;
import java.util.List;

/**
 * Where one local server listens and where clients reach it: the same loopback address and port without network
 * faults, a proxy in front of it, or an address in a network namespace of its own.
 *
 * @param host the address clients (and replicas) connect to
 * @param port the port clients connect to
 * @param listenHost the server's {@code listen_addresses}
 * @param listenPort the server's {@code port}
 * @param launcher what the server command is run through ({@code ip netns exec ...}), or nothing
 * @param clientNetwork a network (CIDR) the server must let clients and replicas in from besides loopback, or {@code null}
 * @param faults the node's network faults, or {@code null} when the replica set has none
 */
record NodeNetwork(
        String host,
        int port,
        String listenHost,
        int listenPort,
        List<String> launcher,
        String clientNetwork,
        NetworkFaults faults) {

    NodeNetwork {
        launcher = List.copyOf(launcher);
    }

    /** The server listens where clients connect, on the loopback address; no faults. */
    static NodeNetwork loopback(int port) {
        return new NodeNetwork(LocalNode.HOST, port, LocalNode.HOST, port, List.of(), null, null);
    }

    /** Whether the server listens in the JVM's own network namespace, where the kit can check its port is free. */
    boolean listensHere() {
        return launcher.isEmpty();
    }
}
