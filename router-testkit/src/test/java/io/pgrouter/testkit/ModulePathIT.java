package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test kit on the module path: its jar names itself {@code io.pgrouter.testkit} (Automatic-Module-Name, not a
 * descriptor: see docs/testkit.md, "On the module path"), and a tiny module that requires it starts a primary and a
 * replica from the embedded binaries and asks each whether it is in recovery. Runs in a JVM of its own with only the
 * kit's required dependencies on the module path: no JUnit, no Testcontainers.
 */
class ModulePathIT {

    private static final String MODULE_INFO = """
            module app {
                requires io.pgrouter.testkit;
                requires java.sql;
            }
            """;

    private static final String MAIN = """
            package app;

            import io.pgrouter.testkit.PostgresNode;
            import io.pgrouter.testkit.PostgresReplicaSet;
            import io.pgrouter.testkit.ReplicaSet;
            import java.sql.Connection;
            import java.sql.ResultSet;

            public class Main {
                public static void main(String[] args) throws Exception {
                    Module kit = ReplicaSet.class.getModule();
                    System.out.println("kit module: " + kit.getName() + ", automatic: "
                            + kit.getDescriptor().isAutomatic());
                    try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(1).start()) {
                        System.out.println("primary in recovery: " + inRecovery(cluster.primary()));
                        System.out.println("replica in recovery: " + inRecovery(cluster.replica(0)));
                    }
                }

                private static boolean inRecovery(PostgresNode node) throws Exception {
                    try (Connection c = node.dataSource().getConnection();
                            ResultSet rs = c.createStatement().executeQuery("select pg_is_in_recovery()")) {
                        rs.next();
                        return rs.getBoolean(1);
                    }
                }
            }
            """;

    @Test
    void aModularApplicationStartsAClusterThroughTheKitsJar(@TempDir Path work) throws Exception {
        Path kitJar = kitJar();
        try (JarFile jar = new JarFile(kitJar.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo("io.pgrouter.testkit");
        }
        List<String> path = new ArrayList<>();
        path.add(kitJar.toString());
        // The kit's required dependencies (one class of each jar), and what commons-compress requires.
        Stream.of(
                        org.postgresql.Driver.class,
                        org.slf4j.LoggerFactory.class,
                        org.apache.commons.compress.archivers.tar.TarArchiveInputStream.class,
                        org.apache.commons.io.IOUtils.class,
                        org.apache.commons.lang3.StringUtils.class,
                        org.apache.commons.codec.digest.DigestUtils.class,
                        org.tukaani.xz.XZInputStream.class,
                        tools.jackson.databind.ObjectMapper.class,
                        tools.jackson.core.JsonParser.class,
                        com.fasterxml.jackson.annotation.JsonProperty.class,
                        org.bouncycastle.cert.X509v3CertificateBuilder.class,
                        org.bouncycastle.jce.provider.BouncyCastleProvider.class,
                        org.bouncycastle.oer.BitBuilder.class)
                .map(ModulePathIT::location)
                .distinct()
                .forEach(path::add);
        String modulePath = String.join(File.pathSeparator, path);
        Path source = work.resolve("src");
        Files.createDirectories(source.resolve("app"));
        Files.writeString(source.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(source.resolve("app/Main.java"), MAIN);
        Path classes = work.resolve("classes");
        Path output = work.resolve("output.txt");
        run(
                output,
                tool("javac"),
                "--module-path",
                modulePath,
                "-d",
                classes.toString(),
                source.resolve("module-info.java").toString(),
                source.resolve("app/Main.java").toString());
        List<String> java = new ArrayList<>(List.of(tool("java")));
        String repository = System.getProperty("maven.repo.local");
        if (repository != null) {
            java.add("-Dmaven.repo.local=" + repository); // where the kit finds the embedded binaries' jar
        }
        java.addAll(List.of(
                "--module-path",
                classes + File.pathSeparator + modulePath,
                // The kit is an automatic module and requires nothing by name: its explicit dependencies are added.
                "--add-modules",
                "ALL-MODULE-PATH",
                "-m",
                "app/app.Main"));
        run(output, java.toArray(String[]::new));

        assertThat(Files.readString(output, StandardCharsets.UTF_8))
                .contains(
                        "kit module: io.pgrouter.testkit, automatic: true",
                        "primary in recovery: false",
                        "replica in recovery: true");
    }

    /** The kit's jar, which the package phase built before the integration tests. */
    private static Path kitJar() throws IOException {
        try (Stream<Path> files = Files.list(Paths.get("target"))) {
            List<Path> jars = files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("router-testkit-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-sources.jar")
                                && !name.endsWith("-javadoc.jar")
                                && !name.endsWith("-tests.jar");
                    })
                    .collect(Collectors.toList());
            assertThat(jars).as("the kit's jar in target/").hasSize(1);
            return jars.get(0);
        }
    }

    /** Runs a JDK tool in a process of its own; fails on a non-zero exit, showing what it printed. */
    private static void run(Path output, String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            assertThat(process.waitFor(5, TimeUnit.MINUTES))
                    .as("%s finished", command[0])
                    .isTrue();
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertThat(process.exitValue())
                .as("%s: %s", command[0], Files.readString(output))
                .isZero();
    }

    private static String tool(String name) {
        return Paths.get(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
