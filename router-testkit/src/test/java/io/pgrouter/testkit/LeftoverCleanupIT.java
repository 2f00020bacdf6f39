package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL cannot close its cluster; the next start removes what it left. */
class LeftoverCleanupIT {

    @Test
    void theNextStartKillsServersOfADeadJvmAndDeletesTheirDirectory() throws Exception {
        String[] ready = CrashedJvm.runUntilReady(CrashingRun.class).split(" ");
        Path runDir = Path.of(ready[0]);
        long postmaster = Long.parseLong(ready[1]);
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
                .as("the orphaned server")
                .contains(true);
        assertThat(runDir).isDirectory();

        try (ReplicaSet next = PostgresReplicaSet.builder().replicas(0).start()) {
            assertThat(next.primary().isRunning()).isTrue();
        }

        Awaitility.await("the orphaned server gone")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !ProcessHandle.of(postmaster)
                        .map(ProcessHandle::isAlive)
                        .orElse(false));
        assertThat(Files.exists(runDir)).as("the dead run's directory").isFalse();
    }

    /** Started in a child JVM: starts a cluster, reports where it is, and waits to be killed. */
    public static final class CrashingRun {
        public static void main(String[] args) throws Exception {
            ReplicaSet set = PostgresReplicaSet.builder().replicas(0).start();
            Path dataDir = io.pgrouter.testkit.internal.RunDirectory.base();
            long pid = ProcessHandle.allProcesses()
                    .filter(p -> p.info()
                            .arguments()
                            .map(a -> String.join(" ", a).contains(dataDir.toString()))
                            .orElse(false))
                    .filter(p -> p.parent()
                            .map(parent ->
                                    parent.pid() == ProcessHandle.current().pid())
                            .orElse(false))
                    .findFirst()
                    .orElseThrow()
                    .pid();
            String arg = ProcessHandle.of(pid)
                    .flatMap(h -> h.info().arguments())
                    .map(a -> a[a.length - 1])
                    .orElseThrow();
            System.out.println("READY " + Path.of(arg).getParent() + " " + pid + " "
                    + set.primary().port());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
