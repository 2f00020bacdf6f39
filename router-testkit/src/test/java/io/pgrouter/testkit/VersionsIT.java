package io.pgrouter.testkit;

import static io.pgrouter.testkit.StreamingIT.execute;
import static io.pgrouter.testkit.StreamingIT.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every supported major version streams (18, the default, is covered by the other tests). */
class VersionsIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {"15", "16", "17"})
    void streams(String version) throws Exception {
        try (ReplicaSet cluster =
                PostgresReplicaSet.builder().version(version).database("app").start()) {
            assertThat(query(cluster.primary().dataSource(), "SHOW server_version_num"))
                    .startsWith(version);
            execute(cluster.primary().dataSource(), "CREATE TABLE t AS SELECT 42 AS answer");
            cluster.awaitReplicated(Duration.ofSeconds(30));
            assertThat(query(cluster.replica(0).dataSource(), "SELECT answer FROM t"))
                    .isEqualTo("42");
            assertThat(query(cluster.replica(0).dataSource(), "SELECT current_database()"))
                    .isEqualTo("app");
        }
    }
}
