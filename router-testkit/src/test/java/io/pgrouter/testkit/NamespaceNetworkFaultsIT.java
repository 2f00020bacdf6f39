package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import io.pgrouter.testkit.internal.Commands;
import io.pgrouter.testkit.internal.NetworkFaultSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Network faults through network namespaces and traffic control; skipped where the machine cannot make them. */
class NamespaceNetworkFaultsIT extends AbstractNetworkFaultsIT {

    @Override
    Mechanism mechanism() {
        return Mechanism.NAMESPACE;
    }

    @Override
    Optional<String> unavailableReason() {
        return NetworkFaultSettings.namespaceUnavailableReason();
    }

    @Override
    void assertNothingLeft(ReplicaSet closed) {
        String subnet = closed.primary().host().split("\\.")[2];
        String switchName = "pgrouter-" + subnet;
        List<String> namespaces = Arrays.stream(Commands.output(List.of("ip", "netns", "list"), "list namespaces")
                        .split("\n"))
                .map(line -> line.strip().split(" ")[0])
                .toList();
        assertThat(namespaces)
                .as("network namespaces after close")
                .noneMatch(ns -> ns.equals(switchName) || ns.startsWith(switchName + "-"));
        assertThat(Commands.run(List.of("ip", "link", "show", "dev", switchName), "look for the link")
                        .exitCode())
                .as("the JVM's link to the replica set's network after close")
                .isNotZero();
    }

    @Override
    void checkAddress(PostgresNode node) {
        assertThat(node.host()).startsWith("10.213.");
    }
}
