package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import io.pgrouter.testkit.internal.Commands;
import io.pgrouter.testkit.internal.NetworkFaultSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL cannot remove its network namespaces; the next start with namespaces removes them. */
class NamespaceLeftoverCleanupIT {

    @BeforeEach
    void namespacesArePossible() {
        NetworkFaultSettings.namespaceUnavailableReason().ifPresent(reason -> {
            System.out.println("SKIPPED " + getClass().getSimpleName() + ": " + reason);
            Assumptions.abort(reason);
        });
    }

    @Test
    void theNextStartRemovesTheNamespacesOfADeadJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(), "-cp", System.getProperty("java.class.path"), CrashingRun.class.getName())
                .redirectErrorStream(true)
                .start();
        String link;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the child JVM's output before READY").isNotNull();
            } while (!line.startsWith("READY "));
            link = "pgrouter-" + line.split(" ")[1].split("\\.")[2];
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(namespaces()).as("namespaces the dead JVM left").contains(link, link + "-0");

        try (ReplicaSet next = PostgresReplicaSet.builder()
                .replicas(0)
                .networkFaults(Mechanism.NAMESPACE)
                .start()) {
            assertThat(next.primary().isRunning()).isTrue();
            String ours = "pgrouter-" + next.primary().host().split("\\.")[2];
            if (!ours.equals(link)) {
                assertThat(namespaces()).as("namespaces after the next start").doesNotContain(link, link + "-0");
                assertThat(Commands.run(List.of("ip", "link", "show", "dev", link), "look for the dead JVM's link")
                                .exitCode())
                        .isNotZero();
            } else {
                // The sweep freed the dead JVM's /24 and this start took it again: the link now names this JVM.
                assertThat(Commands.output(List.of("ip", "-o", "link", "show", "dev", link), "read the link's owner"))
                        .contains("pgrouter-testkit " + ProcessHandle.current().pid() + " ");
            }
        }
    }

    private static List<String> namespaces() {
        return Commands.output(List.of("ip", "netns", "list"), "list namespaces")
                .lines()
                .map(l -> l.strip().split(" ")[0])
                .toList();
    }

    /** Started in a child JVM: starts a cluster in namespaces, reports its address, and waits to be killed. */
    public static final class CrashingRun {
        public static void main(String[] args) throws Exception {
            ReplicaSet set = PostgresReplicaSet.builder()
                    .replicas(0)
                    .networkFaults(Mechanism.NAMESPACE)
                    .start();
            System.out.println("READY " + set.primary().host());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
