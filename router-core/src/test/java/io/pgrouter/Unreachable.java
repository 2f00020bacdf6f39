package io.pgrouter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback address where nothing listens: connections are refused at once, for routers that need no server. */
public final class Unreachable {

    private Unreachable() {}

    /** A pgjdbc URL on a port that was free a moment ago. */
    public static String jdbcUrl() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "jdbc:postgresql://127.0.0.1:" + socket.getLocalPort() + "/app?connectTimeout=1";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A builder over a primary and two replicas that all refuse connections, probed every 100 ms. */
    public static RoutingDataSource.Builder router() {
        return RoutingDataSource.builder()
                .primary(jdbcUrl(), "app", "secret")
                .replica("replica-1", jdbcUrl(), "app", "secret")
                .replica("replica-2", jdbcUrl(), "app", "secret")
                .probeInterval(java.time.Duration.ofMillis(100));
    }
}
