package io.pgrouter.internal;

import io.pgrouter.NodeStatus;
import io.pgrouter.RouterStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a started router is made of: its nodes and pools, the topology, the routing path. */
public final class RouterRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.RoutingDataSource");

    private final RouterConfig config;
    private final List<Node> nodes;
    private final ConnectionRouter router;

    private RouterRuntime(RouterConfig config, List<Node> nodes, ConnectionRouter router) {
        this.config = config;
        this.nodes = List.copyOf(nodes);
        this.router = router;
    }

    /** Starts a pool per node; if one cannot be created, closes the others and rethrows. */
    public static RouterRuntime start(RouterConfig config) {
        Scopes scopes = new Scopes();
        List<Node> nodes = new ArrayList<>();
        try {
            nodes.add(PoolFactory.pooledNode(config.primary(), config.primaryPool(), scopes::readOnlyActive));
            for (NodeConfig replica : config.replicas()) {
                nodes.add(PoolFactory.pooledNode(replica, config.replicaPool(), scopes::readOnlyActive));
            }
        } catch (RuntimeException e) {
            nodes.forEach(RouterRuntime::closeQuietly);
            throw e;
        }
        RouterRuntime runtime = new RouterRuntime(config, nodes, routerOver(nodes, config, scopes));
        LOG.info("Started {}", runtime);
        return runtime;
    }

    /** The routing path over nodes whose pools already exist: the primary first, then the replicas. */
    static ConnectionRouter routerOver(List<Node> nodes, RouterConfig config, Scopes scopes) {
        List<NodeState> replicas = nodes.subList(1, nodes.size()).stream().map(NodeState::initial).toList();
        Topology topology = new Topology(TopologySnapshot.of(NodeState.initial(nodes.get(0)), replicas,
                config.replicasEnabled()));
        return new ConnectionRouter(topology, new RouteDecider(config.selector(), config.fallbackToPrimary()), scopes,
                config.failedReplicaBackoff().toNanos());
    }

    public ConnectionRouter router() {
        return router;
    }

    /** A lazy connection; fails only if the router is closed. */
    public Connection newConnection() throws SQLException {
        router.checkOpen();
        return new RoutedConnection(router);
    }

    /** Publishes a snapshot with the replicas flag set; logs the change. */
    public void setReplicasEnabled(boolean enabled) {
        TopologySnapshot before = router.topology().current();
        router.topology().update(snapshot -> snapshot.withReplicasEnabled(enabled));
        if (before.replicasEnabled() != enabled) {
            LOG.info("Reads to replicas {}", enabled ? "enabled" : "disabled: every connection goes to the primary");
        }
    }

    /** The status now. */
    public RouterStatus status() {
        TopologySnapshot snapshot = router.topology().current();
        long now = System.nanoTime();
        List<NodeStatus> statuses = new ArrayList<>();
        for (NodeState state : snapshot.nodes()) {
            statuses.add(state.node().status(state, now));
        }
        return new RouterStatus(Instant.now(), snapshot.replicasEnabled(), config.fallbackToPrimary(),
                config.selector().toString(), statuses);
    }

    @Override
    public void close() {
        if (router.isClosed()) {
            return;
        }
        router.close();
        nodes.forEach(RouterRuntime::closeQuietly);
        LOG.info("Closed {}", this);
    }

    private static void closeQuietly(Node node) {
        try {
            node.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing pool {} failed", node.config().poolName(), e);
        }
    }

    @Override
    public String toString() {
        return "[primary=" + config.primary().name() + ", replicas=" + config.replicas().stream().map(NodeConfig::name)
                .toList() + ", selection=" + config.selector() + ", fallbackToPrimary=" + config.fallbackToPrimary() + "]";
    }
}
