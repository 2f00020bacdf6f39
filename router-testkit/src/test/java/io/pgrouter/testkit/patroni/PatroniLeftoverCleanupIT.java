package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.internal.PostmasterPid;
import io.pgrouter.testkit.internal.RunDirectory;
import io.pgrouter.testkit.junit.EnabledIfPatroniInstalled;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL cannot close its Patroni cluster; the next start of any of the kit's clusters removes it. */
@EnabledIfPatroniInstalled
class PatroniLeftoverCleanupIT {

    @Test
    void theNextStartKillsEtcdPatroniAndPostgresOfADeadJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), CrashingRun.class.getName())
                .redirectErrorStream(true).start();
        Path runDir;
        List<Long> pids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the child JVM's output before READY").isNotNull();
            } while (!line.startsWith("READY "));
            runDir = Path.of(line.substring("READY ".length()));
            // What the child left running: etcd and Patroni (recorded), PostgreSQL (postmaster.pid).
            try (Stream<Path> records = Files.list(runDir)) {
                for (Path record : records.filter(p -> p.toString().endsWith(".process")).toList()) {
                    pids.add(Long.parseLong(Files.readString(record).split(" ")[0]));
                }
            }
            pids.add(PostmasterPid.read(runDir.resolve("member-1").resolve("data")).orElseThrow());
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(pids).hasSize(3).allMatch(PatroniLeftoverCleanupIT::alive);

        RunDirectory.delete(RunDirectory.create());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pids).noneMatch(PatroniLeftoverCleanupIT::alive));
        assertThat(Files.exists(runDir)).as("the dead run's directory").isFalse();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Started in a child JVM: starts a one-member Patroni cluster, says where it is, and waits to be killed. */
    public static final class CrashingRun {
        public static void main(String[] args) throws Exception {
            PatroniCluster cluster = PatroniCluster.start(1);
            Path base = RunDirectory.base();
            try (Stream<Path> runs = Files.list(base)) {
                Path runDir = runs.filter(p -> p.getFileName().toString().startsWith("run-" + ProcessHandle.current().pid() + "-"))
                        .findFirst().orElseThrow();
                System.out.println("READY " + runDir);
            }
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            cluster.close();
        }
    }
}
