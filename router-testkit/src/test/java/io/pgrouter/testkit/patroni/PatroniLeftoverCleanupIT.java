package io.pgrouter.testkit.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.CrashedJvm;
import io.pgrouter.testkit.internal.PostmasterPid;
import io.pgrouter.testkit.internal.RunDirectory;
import io.pgrouter.testkit.junit.EnabledIfPatroniInstalled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL cannot close its Patroni cluster; the next start of any of the kit's clusters removes it. */
@EnabledIfPatroniInstalled
class PatroniLeftoverCleanupIT {

    private static final String KIT_DIR = "pgrouter.testkit.dir";

    /** A kit directory of this test's own: other JVMs sweeping the shared one must not do the work under test. */
    private Path isolatedBase;

    @BeforeEach
    void isolate() throws IOException {
        isolatedBase = RunDirectory.base()
                .resolve("isolated-" + ProcessHandle.current().pid());
        Files.createDirectories(isolatedBase);
        System.setProperty(KIT_DIR, isolatedBase.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty(KIT_DIR);
        RunDirectory.delete(isolatedBase);
    }

    @Test
    void theNextStartKillsEtcdPatroniAndPostgresOfADeadJvm() throws Exception {
        Path runDir = Path.of(CrashedJvm.runUntilReady(CrashingRun.class, "-D" + KIT_DIR + "=" + isolatedBase));
        // What the child left running: etcd and Patroni (recorded), PostgreSQL (postmaster.pid).
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> records = Files.list(runDir)) {
            for (Path record :
                    records.filter(p -> p.toString().endsWith(".process")).toList()) {
                pids.add(Long.parseLong(Files.readString(record).split(" ")[0]));
            }
        }
        pids.add(PostmasterPid.read(runDir.resolve("member-1").resolve("data")).orElseThrow());
        assertThat(pids).hasSize(3).allMatch(PatroniLeftoverCleanupIT::alive);

        RunDirectory.delete(RunDirectory.create());

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(pids).noneMatch(PatroniLeftoverCleanupIT::alive));
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
                Path runDir = runs.filter(p -> p.getFileName()
                                .toString()
                                .startsWith("run-" + ProcessHandle.current().pid() + "-"))
                        .findFirst()
                        .orElseThrow();
                System.out.println("READY " + runDir);
            }
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            cluster.close();
        }
    }
}
