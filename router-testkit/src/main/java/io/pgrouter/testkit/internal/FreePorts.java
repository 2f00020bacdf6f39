package io.pgrouter.testkit.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback address that every server of the kit listens on.
 *
 * <p>Ports come from below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}; 49152 and
 * up elsewhere), not from a bind to port 0: a port of the ephemeral range can be taken as the local port of any
 * outgoing connection (the kit's own connections to the servers it already started, say) between the moment it is
 * chosen and the moment the server binds it, and a fresh-clone CI run failed on exactly that ("port ... is in use by
 * another process"). Below that range only a process that listens can take it. A port is handed out once per JVM.
 */
public final class FreePorts {

    /** The address servers of the kit listen on. */
    public static final String HOST = "127.0.0.1";

    private static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int DEFAULT_EPHEMERAL_START = 49_152;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /**
     * A port nothing listens on right now, below the ephemeral range, not handed out before by this JVM. Another
     * process may still start listening on it before the caller binds it; a server that then fails to start says so.
     */
    public static int next() {
        int highest = ephemeralStart() - 1;
        if (highest - LOWEST >= 1000) {
            if (HANDED_OUT.size() > (highest - LOWEST) / 2) {
                HANDED_OUT.clear();
            }
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
                if (HANDED_OUT.add(port)) {
                    if (bindable(port)) {
                        return port;
                    }
                }
            }
        }
        // No room below the ephemeral range, or nothing free there: what the kernel offers.
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range. */
    static int ephemeralStart() {
        // A line reader: a whole-file read of this sysctl file returned its first byte only on this kernel.
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String line = reader.readLine();
            int start = Integer.parseInt(line.trim().split("\\s+")[0]);
            return start > 1024 && start <= 65_535 ? start : DEFAULT_EPHEMERAL_START;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
