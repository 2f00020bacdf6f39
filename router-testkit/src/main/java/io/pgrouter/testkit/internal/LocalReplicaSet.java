package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresNode.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica set of server processes on this machine. The primary is made with initdb; each replica is an
 * online copy of it ({@link OnlineCopy}) that streams through its own physical replication slot.
 */
final class LocalReplicaSet extends AbstractReplicaSet {

    private static final Logger log = LoggerFactory.getLogger(LocalReplicaSet.class);

    private final Path runDir;
    private final String provider;
    private final ServerUser user;
    private final NetworkLayout network;
    private final TlsMaterial tls;

    private LocalReplicaSet(
            ReplicaSetSpec spec,
            Path runDir,
            List<LocalNode> nodes,
            String provider,
            ServerUser user,
            NetworkLayout network,
            TlsMaterial tls) {
        super(spec, nodes);
        this.tls = tls;
        this.runDir = runDir;
        this.provider = provider;
        this.user = user;
        this.network = network;
    }

    /** Starts a primary and {@code spec.replicas()} streaming replicas; on failure nothing is left behind. */
    static LocalReplicaSet start(ReplicaSetSpec spec, PostgresBinaries binaries, String provider) {
        ServerUser user = ServerUser.detect();
        Path runDir = RunDirectory.create();
        NetworkLayout network = null;
        TlsMaterial tls = null;
        List<LocalNode> nodes = new ArrayList<>();
        try {
            network = networkLayout(spec);
            tls = spec.tls() ? new TlsMaterial(runDir.resolve("tls"), spec.user(), spec.clientCertificates()) : null;
            List<Integer> ports = ports(spec);
            for (int i = 0; i <= spec.replicas(); i++) {
                String name = i == 0 ? "primary" : "replica-" + i;
                nodes.add(new LocalNode(
                        name,
                        i == 0 ? Role.PRIMARY : Role.REPLICA,
                        network.node(name, i, ports.get(i)),
                        runDir,
                        binaries,
                        user,
                        spec,
                        tls));
            }
        } catch (RuntimeException e) {
            // Not a replica set yet: free what was made so far here.
            if (network != null) {
                network.close();
            }
            RunDirectory.delete(runDir);
            throw e;
        }
        LocalReplicaSet set = new LocalReplicaSet(spec, runDir, nodes, provider, user, network, tls);
        Cleanup.register(set);
        try {
            set.bootstrap();
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private static NetworkLayout networkLayout(ReplicaSetSpec spec) {
        if (!spec.networkFaults()) {
            return NetworkLayout.LOOPBACK;
        }
        return switch (NetworkFaultSettings.choose(spec.networkMechanism())) {
            case NAMESPACE -> NamespaceLayout.create();
            case PROXY -> new ProxyLayout();
        };
    }

    private void bootstrap() {
        long started = System.nanoTime();
        LocalNode primary = (LocalNode) primary();
        primary.initdb(runDir);
        primary.configure(null);
        primary.start();
        if (!spec.database().equals("postgres")) {
            Sql.execute(primary.adminDataSource(), "CREATE DATABASE " + spec.database());
        }
        List<LocalNode> replicas = new ArrayList<>();
        for (PostgresNode n : replicas()) {
            LocalNode replica = (LocalNode) n;
            cloneAsStandby(replica, primary);
            replicas.add(replica);
        }
        for (LocalNode replica : replicas) {
            replica.start();
        }
        awaitStreaming(replicas, spec.startupTimeout());
        log.info(
                "PostgreSQL {}: primary on port {} and {} streaming replica(s) ready after {} ms ({} binaries, servers run as {}, in {})",
                spec.version(),
                primary.port(),
                replicas.size(),
                (System.nanoTime() - started) / 1_000_000,
                provider,
                user,
                runDir);
    }

    /** Empties {@code node}'s data directory, copies the primary into it and configures it as a standby. */
    private void cloneAsStandby(LocalNode node, LocalNode primary) {
        primary.ensureSlotFor(node);
        RunDirectory.delete(node.dataDir());
        OnlineCopy.copy(primary, node.dataDir());
        node.configure(primary);
        node.role(Role.REPLICA);
    }

    @Override
    protected void promoteNode(PostgresNode replica) {
        LocalNode node = (LocalNode) replica;
        node.promoteNow();
        node.configure(null);
    }

    @Override
    protected void detachNode(PostgresNode replica) {
        ((LocalNode) replica).detach();
    }

    @Override
    protected void followNode(PostgresNode replica, PostgresNode upstream) {
        ((LocalNode) replica).follow((LocalNode) upstream);
    }

    @Override
    protected void ensureSlot(PostgresNode upstream, PostgresNode node) {
        ((LocalNode) upstream).ensureSlotFor(node);
    }

    @Override
    protected void rejoinNode(PostgresNode node) {
        LocalNode local = (LocalNode) node;
        LocalNode primary = (LocalNode) primary();
        local.stop();
        cloneAsStandby(local, primary);
        local.start();
        awaitStreaming(List.of(local), spec.startupTimeout());
    }

    @SuppressWarnings("unchecked")
    private List<LocalNode> localNodes() {
        return (List<LocalNode>) (List<?>) allNodes();
    }

    @Override
    public io.pgrouter.testkit.TlsFiles tls() {
        return tls != null ? tls : super.tls();
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    protected void shutdown() {
        // A cut-off replica would hold up its upstream's shutdown (a WAL sender waits to hand over the last WAL).
        network.restoreAll();
        for (LocalNode node : localNodes()) {
            try {
                node.stop();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed ({}); killing it", node.name(), e.getMessage());
                node.kill();
            }
        }
        network.close();
        RunDirectory.delete(runDir);
    }

    private static List<Integer> ports(ReplicaSetSpec spec) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i <= spec.replicas(); i++) {
            ports.add(spec.basePort() == 0 ? FreePorts.next() : spec.basePort() + i);
        }
        return ports;
    }

    @Override
    public String toString() {
        return "LocalReplicaSet[" + provider + ", " + allNodes() + "]";
    }
}
