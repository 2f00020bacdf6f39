package io.pgrouter.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsComeFromBelowTheEphemeralRangeOnceEachAndCanBeBound() throws Exception {
        int ephemeralStart = FreePorts.ephemeralStart();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(1024, ephemeralStart - 1);
            assertThat(ephemeralStart).isGreaterThan(10_000);
            assertThat(seen.add(port)).as("handed out once: %d", port).isTrue();
        }
        int port = FreePorts.next();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(FreePorts.HOST), port));
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }
}
