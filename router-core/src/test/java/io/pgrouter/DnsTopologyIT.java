package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import io.pgrouter.topology.DnsTopologySource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A router that learns its replicas from DNS, driven by a test resolver: a replica listed takes reads once probed, one
 * no longer listed is drained without a failed read, and a name that stops resolving keeps the last topology.
 */
@PostgresReplicaSet(replicas = 2)
class DnsTopologyIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration INTERVAL = Duration.ofMillis(250);

    static ReplicaSet cluster;

    /** What the test's DNS answers now: the replicas' socket addresses, or {@code null} for "does not resolve". */
    private final AtomicReference<List<PostgresNode>> records = new AtomicReference<>();

    private List<InetSocketAddress> resolve(String name, int port) throws IOException {
        List<PostgresNode> now = records.get();
        if (now == null) {
            throw new UnknownHostException(name + ": NXDOMAIN (test resolver)");
        }
        return now.stream()
                .map(n -> new InetSocketAddress(
                        InetAddress.getLoopbackAddress(),
                        URI.create(n.jdbcUrl().substring("jdbc:".length())).getPort()))
                .toList();
    }

    @Test
    void replicasFollowTheRecordsAndAnUnresolvableNameKeepsTheLastTopology() throws Exception {
        PostgresNode first = cluster.replica(0);
        PostgresNode second = cluster.replica(1);
        records.set(List.of(first));
        try (RoutingDataSource router = RoutingDataSource.builder()
                        .primary(cluster.primary().jdbcUrl(), cluster.user(), cluster.password())
                        .probeInterval(INTERVAL)
                        .topologyRefreshInterval(INTERVAL)
                        .topologySource(DnsTopologySource.of("pg-replicas.test", 5432, this::resolve))
                        .build();
                ReadLoad load = new ReadLoad(router, cluster, 3)) {
            // The first refresh runs before build() returns.
            assertThat(router.status().nodes()).hasSize(2);
            await().atMost(DEADLINE).until(() -> load.perNode().getOrDefault(first.name(), 0L) > 0);

            long listed = System.nanoTime();
            records.set(List.of(first, second));
            await().atMost(DEADLINE).until(() -> load.perNode().getOrDefault(second.name(), 0L) > 0);
            long firstRead = load.reads().stream()
                    .filter(r -> second.name().equals(r.node()))
                    .mapToLong(ReadLoad.Read::startedNanos)
                    .min()
                    .orElseThrow();
            System.out.printf(
                    "DNS: %s listed -> first read there after %d ms (probe and refresh interval %d ms)%n",
                    second.name(), TimeUnit.NANOSECONDS.toMillis(firstRead - listed), INTERVAL.toMillis());

            records.set(null);
            await().atMost(DEADLINE)
                    .until(() -> !router.status().topologySource().reachable());
            assertThat(router.status().topologySource().lastError()).contains("NXDOMAIN");
            assertThat(router.status().topologySource().members()).hasSize(2);
            assertThat(router.status().nodes()).hasSize(3);

            records.set(List.of(second));
            await().atMost(DEADLINE).until(() -> router.status().nodes().size() == 2);
            long removed = System.nanoTime();
            assertThat(router.status().topologySource().reachable()).isTrue();
            await().atMost(DEADLINE).until(() -> load.startedAfter(removed).size() > 200);
            assertThat(load.startedAfter(removed)).noneMatch(r -> first.name().equals(r.node()));
            load.close();
            assertThat(load.failures()).as("failed reads").isEmpty();
            System.out.printf(
                    "DNS: %s no longer listed, drained under load: %d reads, 0 failed, per node %s%n",
                    first.name(), load.reads().size(), load.perNode());
        }
    }
}
