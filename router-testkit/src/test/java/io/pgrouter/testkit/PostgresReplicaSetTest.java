package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.internal.ReplicaSetSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresReplicaSetTest {

    @Test
    void defaultsAreVersion18WithOneReplica() {
        ReplicaSetSpec spec = PostgresReplicaSet.builder().spec();
        assertThat(spec.version().major()).isEqualTo(18);
        assertThat(spec.version().exact()).isNull();
        assertThat(spec.replicas()).isEqualTo(1);
        assertThat(spec.basePort()).isZero();
    }

    @Test
    void anExactReleaseKeepsItsMajorVersion() {
        ReplicaSetSpec spec = PostgresReplicaSet.builder().version("17.11.0").spec();
        assertThat(spec.version().major()).isEqualTo(17);
        assertThat(spec.version().exact()).isEqualTo("17.11.0");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "14      | PostgreSQL version 14 is not supported: use a major version from 15 to 18",
                "19      | PostgreSQL version 19 is not supported",
                "latest  | version must be a major version (\"18\") or an exact release (\"18.4.0\"), was 'latest'",
                "18.1    | was '18.1'",
            })
    void unsupportedVersionsAreRefusedWithTheValue(String version, String message) {
        assertThatThrownBy(() -> PostgresReplicaSet.builder().version(version))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void badOptionsNameTheOptionAndTheValue() {
        assertThatThrownBy(() -> PostgresReplicaSet.builder().replicas(9))
                .hasMessage("replicas must be between 0 and 8, was 9");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().replicas(-1))
                .hasMessage("replicas must be between 0 and 8, was -1");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().database("My-DB"))
                .hasMessageContaining("database must be a lower-case SQL identifier")
                .hasMessageContaining("'My-DB'");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().user("x;drop"))
                .hasMessageContaining("user must be")
                .hasMessageContaining("'x;drop'");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().password("")).hasMessage("password must not be empty");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().basePort(80))
                .hasMessageContaining("basePort")
                .hasMessageContaining("was 80");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().startupTimeout(Duration.ZERO))
                .hasMessageContaining("startupTimeout must be positive");
    }

    @Test
    void settingsTheClusterNeedsCannotBeOverridden() {
        assertThatThrownBy(() -> PostgresReplicaSet.builder().setting("wal_level", "minimal"))
                .hasMessageContaining("setting 'wal_level' is managed by the replica set");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().setting("port", "5432"))
                .hasMessageContaining("setting 'port' is managed by the replica set");
        assertThatThrownBy(() -> PostgresReplicaSet.builder().setting("bad name", "1"))
                .hasMessageContaining("setting name must be a PostgreSQL parameter name, was 'bad name'");
        assertThat(PostgresReplicaSet.builder()
                        .setting("max_connections", "50")
                        .spec()
                        .settings())
                .containsEntry("max_connections", "50");
    }

    @Test
    void theSpecNeverShowsThePassword() {
        assertThat(PostgresReplicaSet.builder().password("s3cret-value").spec().toString())
                .doesNotContain("s3cret-value");
    }
}
