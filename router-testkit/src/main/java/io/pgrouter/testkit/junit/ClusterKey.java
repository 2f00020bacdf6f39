package io.pgrouter.testkit.junit;

import io.pgrouter.testkit.ReplicaSet;
import java.util.List;

/**
 * The shape of a cluster asked for by {@link PostgresReplicaSet}; equal keys share one cluster.
 *
 * @param owner the test class that owns an isolated cluster, {@code null} for a shared one. Part of the key
 *     because JUnit's stores look up their parents: without it an isolated class would find, and break, the
 *     shared cluster of the same shape.
 */
record ClusterKey(
        int replicas,
        String version,
        String database,
        List<String> settings,
        boolean networkFaults,
        boolean tls,
        boolean clientCertificates,
        boolean logicalReplication,
        String owner) {

    static ClusterKey of(PostgresReplicaSet annotation, Class<?> testClass) {
        return new ClusterKey(
                annotation.replicas(),
                annotation.version(),
                annotation.database(),
                List.of(annotation.settings()),
                annotation.networkFaults(),
                annotation.tls(),
                annotation.clientCertificates(),
                annotation.logicalReplication(),
                annotation.isolated() ? testClass.getName() : null);
    }

    ReplicaSet start() {
        io.pgrouter.testkit.PostgresReplicaSet builder = io.pgrouter.testkit.PostgresReplicaSet.builder()
                .replicas(replicas)
                .version(version)
                .database(database)
                .networkFaults(networkFaults)
                .tls(tls)
                .clientCertificates(clientCertificates)
                .logicalReplication(logicalReplication);
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(
                        "@PostgresReplicaSet settings must be name=value pairs, was '" + setting + "'");
            }
            builder.setting(
                    setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
        }
        return builder.start();
    }
}
