package io.pgrouter.spring.it;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points the application at a test kit cluster; the cluster is read lazily, once JUnit has injected it. */
final class ClusterProperties {

    private ClusterProperties() {}

    /** The primary as most applications configure it, through {@code spring.datasource.*}. */
    static void viaSpringDatasource(DynamicPropertyRegistry registry, Supplier<ReplicaSet> cluster) {
        registry.add("spring.datasource.url", () -> cluster.get().primary().jdbcUrl());
        registry.add("spring.datasource.username", () -> cluster.get().user());
        registry.add("spring.datasource.password", () -> cluster.get().password());
        replicas(registry, cluster);
    }

    /** The primary through {@code pgrouter.primary.*}. */
    static void viaPgrouter(DynamicPropertyRegistry registry, Supplier<ReplicaSet> cluster) {
        registry.add("pgrouter.primary.url", () -> cluster.get().primary().jdbcUrl());
        registry.add("pgrouter.primary.username", () -> cluster.get().user());
        registry.add("pgrouter.primary.password", () -> cluster.get().password());
        replicas(registry, cluster);
    }

    /** The first replica's URL; its name and credentials stay the defaults. */
    private static void replicas(DynamicPropertyRegistry registry, Supplier<ReplicaSet> cluster) {
        registry.add("pgrouter.replicas[0].url", () -> firstReplica(cluster).jdbcUrl());
    }

    private static PostgresNode firstReplica(Supplier<ReplicaSet> cluster) {
        return cluster.get().replica(0);
    }
}
