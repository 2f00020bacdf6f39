package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link io.pgrouter.testkit.NetworkFaults.Mechanism#PROXY} layout: a {@link FaultProxy} on each node's address
 * and port, the server behind it on {@value #SERVER_HOST} and the same port, so that {@code inet_server_port()}
 * still names the node. Where that second loopback address is missing (macOS), the server takes another free port.
 */
final class ProxyLayout implements NetworkLayout {

    /** A second loopback address: Linux routes all of 127.0.0.0/8 to the loopback device. */
    static final String SERVER_HOST = "127.0.0.2";

    private final List<FaultProxy> proxies = new CopyOnWriteArrayList<>();
    private final boolean secondLoopback = bindable(SERVER_HOST);

    @Override
    public NodeNetwork node(String name, int index, int port) {
        String serverHost = secondLoopback ? SERVER_HOST : LocalNode.HOST;
        int serverPort = secondLoopback ? port : FreePorts.next();
        FaultProxy proxy = new FaultProxy(
                name, new InetSocketAddress(LocalNode.HOST, port), new InetSocketAddress(serverHost, serverPort));
        proxies.add(proxy.start());
        return new NodeNetwork(LocalNode.HOST, port, serverHost, serverPort, List.of(), null, proxy);
    }

    @Override
    public void restoreAll() {
        proxies.forEach(FaultProxy::restore);
    }

    @Override
    public void close() {
        proxies.forEach(FaultProxy::close);
        proxies.clear();
    }

    private static boolean bindable(String host) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
