package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback address that every server of the kit listens on. */
public final class FreePorts {

    /** The address servers of the kit listen on. */
    public static final String HOST = "127.0.0.1";

    private FreePorts() {}

    /**
     * A port nothing listens on right now. Another process may take it before the caller binds it; a server that
     * then fails to start says so.
     */
    public static int next() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }
}
