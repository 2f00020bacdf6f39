package io.pgrouter;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;

/**
 * How a test's routers reach the kit's servers: plain TCP, or TLS with {@code sslmode=verify-full} against the
 * cluster's own CA. Scenarios that start their clusters themselves run both ways with this.
 */
enum Transport {
    PLAIN,
    VERIFY_FULL;

    /** Starts a cluster whose servers take this transport (a TLS cluster refuses plain connections). */
    ReplicaSet start(int replicas) {
        return PostgresReplicaSet.builder()
                .replicas(replicas)
                .tls(this == VERIFY_FULL)
                .start();
    }

    /** A builder with every node of {@code cluster}, as {@link TestRouters#routerFor}, over this transport. */
    RoutingDataSource.Builder routerFor(ReplicaSet cluster) {
        RoutingDataSource.Builder builder = TestRouters.routerFor(cluster);
        return this == VERIFY_FULL
                ? builder.tls(TlsSettings.verifyFull(cluster.tls().caCertificate()))
                : builder;
    }

    /** Adds a replica of another cluster, verified against that cluster's CA over TLS. */
    RoutingDataSource.Builder addReplica(
            RoutingDataSource.Builder builder, String name, PostgresNode node, ReplicaSet itsCluster) {
        builder.replica(name, node.jdbcUrl(), itsCluster.user(), itsCluster.password());
        return this == VERIFY_FULL
                ? builder.tls(name, TlsSettings.verifyFull(itsCluster.tls().caCertificate()))
                : builder;
    }
}
