package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresNode.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/** A replica set of Docker containers on one Docker network, started through Testcontainers. */
final class ContainerReplicaSet extends AbstractReplicaSet {

    private static final Logger log = LoggerFactory.getLogger(ContainerReplicaSet.class);

    private final Network network;

    private ContainerReplicaSet(ReplicaSetSpec spec, List<ContainerNode> nodes, Network network) {
        super(spec, nodes);
        this.network = network;
    }

    /** Why no Docker engine can be used, or {@code null} when one answers. */
    static String dockerUnavailableReason() {
        try {
            return DockerClientFactory.instance().isDockerAvailable()
                    ? null
                    : "no Docker engine answers (Testcontainers found none)";
        } catch (RuntimeException | LinkageError e) {
            return "no Docker engine answers: " + e.getMessage();
        }
    }

    static ContainerReplicaSet start(ReplicaSetSpec spec) {
        Network network = Network.newNetwork();
        List<ContainerNode> nodes = new ArrayList<>();
        nodes.add(new ContainerNode("primary", Role.PRIMARY, port(spec, 0), network, spec));
        for (int i = 1; i <= spec.replicas(); i++) {
            nodes.add(new ContainerNode("replica-" + i, Role.REPLICA, port(spec, i), network, spec));
        }
        ContainerReplicaSet set = new ContainerReplicaSet(spec, nodes, network);
        Cleanup.register(set);
        try {
            long started = System.nanoTime();
            ContainerNode primary = nodes.get(0);
            primary.startAsPrimary();
            for (ContainerNode replica : nodes.subList(1, nodes.size())) {
                primary.ensureSlotFor(replica);
                replica.startAsReplicaOf(primary);
            }
            set.awaitStreaming(nodes.subList(1, nodes.size()), spec.startupTimeout());
            log.info(
                    "PostgreSQL {} primary and {} replicas streaming in containers after {} ms",
                    ContainerNode.image(spec),
                    spec.replicas(),
                    (System.nanoTime() - started) / 1_000_000);
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private static int port(ReplicaSetSpec spec, int index) {
        if (spec.basePort() != 0) {
            return spec.basePort() + index;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on the loopback address: " + e.getMessage(), e);
        }
    }

    @Override
    public String provider() {
        return "container";
    }

    @Override
    protected void promoteNode(PostgresNode replica) {
        ((ContainerNode) replica).promoteNow();
    }

    @Override
    protected void detachNode(PostgresNode replica) {
        ((ContainerNode) replica).detach();
    }

    @Override
    protected void followNode(PostgresNode replica, PostgresNode upstream) {
        ((ContainerNode) replica).follow((ContainerNode) upstream);
    }

    @Override
    protected void ensureSlot(PostgresNode upstream, PostgresNode node) {
        ((ContainerNode) upstream).ensureSlotFor(node);
    }

    @Override
    protected void rejoinNode(PostgresNode node) {
        ContainerNode container = (ContainerNode) node;
        ContainerNode primary = (ContainerNode) primary();
        container.remove();
        primary.ensureSlotFor(container);
        container.role(Role.REPLICA);
        container.startAsReplicaOf(primary);
        awaitStreaming(List.of(container), spec.startupTimeout());
    }

    @Override
    protected void shutdown() {
        for (PostgresNode node : allNodes()) {
            try {
                ((ContainerNode) node).remove();
            } catch (RuntimeException e) {
                log.warn("Removing the container of {} failed: {}", node.name(), e.getMessage());
            }
        }
        network.close();
    }
}
