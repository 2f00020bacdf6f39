package io.pgrouter.testkit.junit;

import io.pgrouter.testkit.ReplicaSet;
import java.util.List;

/** The shape of a cluster asked for by {@link PostgresReplicaSet}; equal keys share one cluster. */
record ClusterKey(int replicas, String version, String database, List<String> settings) {

    static ClusterKey of(PostgresReplicaSet annotation) {
        return new ClusterKey(annotation.replicas(), annotation.version(), annotation.database(), List.of(annotation.settings()));
    }

    ReplicaSet start() {
        io.pgrouter.testkit.PostgresReplicaSet builder = io.pgrouter.testkit.PostgresReplicaSet.builder()
                .replicas(replicas)
                .version(version)
                .database(database);
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(
                        "@PostgresReplicaSet settings must be name=value pairs, was '" + setting + "'");
            }
            builder.setting(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
        }
        return builder.start();
    }
}
