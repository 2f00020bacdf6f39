package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/** Network faults through the kit's TCP proxy, which works on any machine. */
class ProxyNetworkFaultsIT extends AbstractNetworkFaultsIT {

    @Override
    Mechanism mechanism() {
        return Mechanism.PROXY;
    }

    @Override
    Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    void assertNothingLeft(ReplicaSet closed) {
        for (PostgresNode node : closed.nodes()) {
            assertThatThrownBy(() -> new Socket(node.host(), node.port()).close())
                    .as("a connect to " + node.name() + " after close")
                    .isInstanceOf(IOException.class);
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .as("proxy threads after close")
                        .noneMatch(t -> t.getName().startsWith("pgrouter-proxy-")));
    }

    @Override
    void checkAddress(PostgresNode node) {
        assertThat(node.host()).isEqualTo("127.0.0.1");
    }
}
