package io.pgrouter.testkit;

import static io.pgrouter.testkit.StreamingIT.execute;
import static io.pgrouter.testkit.StreamingIT.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.PostgresReplicaSet.Provider;
import io.pgrouter.testkit.internal.ContainerSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The container provider, where a Docker engine answers; skipped with the reason elsewhere. */
@ExtendWith(ContainerProviderIT.DockerAvailable.class)
class ContainerProviderIT {

    @Test
    void streamsAndObeysFaultControls() throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder()
                .provider(Provider.CONTAINER)
                .replicas(1)
                .database("app")
                .start()) {
            assertThat(cluster.provider()).isEqualTo("container");
            execute(cluster.primary().dataSource(), "CREATE TABLE t AS SELECT 7 AS x");
            cluster.awaitReplicated(Duration.ofSeconds(60));
            PostgresNode replica = cluster.replica(0);
            assertThat(query(replica.dataSource(), "SELECT x FROM t")).isEqualTo("7");
            assertThat(query(replica.dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("t");

            replica.pauseReplay();
            replica.resumeReplay();
            replica.stop();
            assertThat(replica.isRunning()).isFalse();
            replica.start();
            cluster.awaitReplicated(Duration.ofSeconds(60));

            cluster.promote(replica);
            execute(replica.dataSource(), "INSERT INTO t VALUES (8)");
            PostgresNode oldPrimary = cluster.node("primary");
            cluster.rejoinAsStandby(oldPrimary);
            cluster.awaitReplicated(Duration.ofSeconds(60));
            assertThat(query(oldPrimary.dataSource(), "SELECT count(*) FROM t")).isEqualTo("2");
        }
    }

    /** Disables the test, with the reason in the report, when containers cannot run here. */
    static final class DockerAvailable implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String reason = ContainerSupport.unavailableReason();
            if (reason == null) {
                return ConditionEvaluationResult.enabled("a Docker engine answers");
            }
            // Surefire keeps skip reasons in its XML report only; say it where a person reading the build sees it.
            System.out.println("SKIPPED " + context.getDisplayName() + ": container provider not tested: " + reason);
            return ConditionEvaluationResult.disabled("Container provider not tested: " + reason);
        }
    }
}
