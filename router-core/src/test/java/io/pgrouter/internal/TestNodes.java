package io.pgrouter.internal;

import static org.mockito.Mockito.mock;

import io.pgrouter.HealthState;
import io.pgrouter.NodeRole;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.health.NodeHealth;
import io.pgrouter.internal.health.ReplicaLag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Nodes over mock data sources, for the pure routing logic. */
final class TestNodes {

    final Node primary;
    final List<Node> replicas = new ArrayList<>();
    private final Map<Node, DataSource> pools = new HashMap<>();

    TestNodes(int replicaCount) {
        primary = node("primary", NodeRole.PRIMARY);
        for (int i = 1; i <= replicaCount; i++) {
            replicas.add(node("replica-" + i, NodeRole.REPLICA));
        }
    }

    private Node node(String name, NodeRole role) {
        NodeConfig config = new NodeConfig(name, role, "jdbc:postgresql://localhost/" + name, "app", "pw", Map.of(), 1);
        DataSource pool = mock(DataSource.class, name);
        Node node = new Node(config, pool);
        pools.put(node, pool);
        return node;
    }

    Node replica(int oneBased) {
        return replicas.get(oneBased - 1);
    }

    List<Node> all() {
        List<Node> all = new ArrayList<>();
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    TopologySnapshot snapshot(boolean replicasEnabled) {
        return TopologySnapshot.of(
                NodeState.initial(primary),
                replicas.stream().map(TestNodes::healthy).toList(),
                replicasEnabled);
    }

    /** A replica the health monitor has found fresh and reachable. */
    static NodeState healthy(Node node) {
        return NodeState.initial(node)
                .withHealth(new NodeHealth(
                        node.name(),
                        HealthState.HEALTHY,
                        true,
                        null,
                        true,
                        new ReplicaLag(0, 0, ReplicaLag.Basis.WAL_HISTORY),
                        1,
                        false,
                        0,
                        0,
                        0,
                        false));
    }

    /** The mock pool behind a node. */
    DataSource pool(Node node) {
        return pools.get(node);
    }
}
