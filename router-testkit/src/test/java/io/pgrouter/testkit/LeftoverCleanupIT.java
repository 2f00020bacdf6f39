package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL cannot close its cluster; the next start removes what it left. */
class LeftoverCleanupIT {

    @Test
    void theNextStartKillsServersOfADeadJvmAndDeletesTheirDirectory() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), CrashingRun.class.getName())
                .redirectErrorStream(true).start();
        Path runDir;
        long postmaster;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the child JVM's output before READY").isNotNull();
            } while (!line.startsWith("READY "));
            String[] ready = line.split(" ");
            runDir = Path.of(ready[1]);
            postmaster = Long.parseLong(ready[2]);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("the orphaned server").contains(true);
        assertThat(runDir).isDirectory();

        try (ReplicaSet next = PostgresReplicaSet.builder().replicas(0).start()) {
            assertThat(next.primary().isRunning()).isTrue();
        }

        Awaitility.await("the orphaned server gone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> !ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false));
        assertThat(Files.exists(runDir)).as("the dead run's directory").isFalse();
    }

    /** Started in a child JVM: starts a cluster, reports where it is, and waits to be killed. */
    public static final class CrashingRun {
        public static void main(String[] args) throws Exception {
            ReplicaSet set = PostgresReplicaSet.builder().replicas(0).start();
            Path dataDir = io.pgrouter.testkit.internal.RunDirectory.base();
            long pid = ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(dataDir.toString())).orElse(false))
                    .filter(p -> p.parent().map(parent -> parent.pid() == ProcessHandle.current().pid()).orElse(false))
                    .findFirst().orElseThrow().pid();
            String arg = ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(a -> a[a.length - 1]).orElseThrow();
            System.out.println("READY " + Path.of(arg).getParent() + " " + pid + " " + set.primary().port());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
