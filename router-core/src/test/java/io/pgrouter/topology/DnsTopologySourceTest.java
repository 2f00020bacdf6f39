package io.pgrouter.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsTopologySourceTest {

    @Test
    void eachAddressIsAReplicaNamedAfterItOnTheConfiguredPort() throws IOException {
        DnsTopologySource source = DnsTopologySource.of(
                "pg-replicas",
                6432,
                (name, port) -> List.of(
                        new InetSocketAddress(InetAddress.getByName("10.0.0.7"), port),
                        new InetSocketAddress(InetAddress.getByName("fd00::5"), port),
                        new InetSocketAddress(InetAddress.getByName("10.0.0.7"), port)));

        assertThat(source.members())
                .containsExactly(
                        TopologyMember.replica("10.0.0.7-6432", "10.0.0.7", 6432),
                        TopologyMember.replica("fd00-0-0-0-0-0-0-5-6432", "fd00:0:0:0:0:0:0:5", 6432));
        assertThat(source.describe()).isEqualTo("dns pg-replicas port 6432");
    }

    @Test
    void aNameWithoutRecordsIsUnreachableNotEmpty() {
        assertThatThrownBy(() -> DnsTopologySource.of("gone", 5432, (name, port) -> List.of())
                        .members())
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("gone");
        assertThatThrownBy(() -> DnsTopologySource.of(" ", 5432))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.topology.dns.name");
        assertThatThrownBy(() -> DnsTopologySource.of("x", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.topology.dns.port");
    }
}
