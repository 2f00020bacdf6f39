package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;

/**
 * router-core on the module path, as a modular application sees it: a tiny module that requires {@code io.pgrouter}
 * (and nothing else of ours) is compiled and run in a JVM of its own with only the core and its required
 * dependencies on the module path (no Micrometer, no Jackson). It routes a write to the primary and a read-only
 * connection through the router, finds the engine's packages closed to it, and {@code toJson()} naming Jackson.
 */
@PostgresReplicaSet(replicas = 1)
class ModulePathIT {

    static ReplicaSet cluster;

    private static final String MODULE_INFO = """
            module app {
                requires io.pgrouter;
            }
            """;

    private static final String MAIN = """
            package app;

            import io.pgrouter.RoutingDataSource;
            import java.sql.Connection;
            import java.sql.ResultSet;

            public class Main {
                public static void main(String[] args) throws Exception {
                    try (RoutingDataSource router = RoutingDataSource.builder()
                            .primary(args[0], args[2], args[3]).replica("replica-1", args[1], args[2], args[3]).build()) {
                        try (Connection c = router.getConnection(); ResultSet rs = c.createStatement()
                                .executeQuery("select pg_is_in_recovery()")) {
                            rs.next();
                            System.out.println("write on standby: " + rs.getBoolean(1));
                        }
                        try (Connection c = router.getConnection()) {
                            c.setReadOnly(true);
                            try (ResultSet rs = c.createStatement().executeQuery("select 1")) {
                                rs.next();
                                System.out.println("read answered: " + rs.getInt(1));
                            }
                        }
                        Module core = RoutingDataSource.class.getModule();
                        System.out.println("core module: " + core.getName());
                        System.out.println("exports io.pgrouter: " + core.isExported("io.pgrouter"));
                        System.out.println("exports io.pgrouter.micrometer: " + core.isExported("io.pgrouter.micrometer"));
                        System.out.println("exports io.pgrouter.internal: " + core.isExported("io.pgrouter.internal"));
                        System.out.println("exports io.pgrouter.internal.config: "
                                + core.isExported("io.pgrouter.internal.config"));
                        System.out.println("micrometer present: " + core.getLayer().findModule("micrometer.core").isPresent());
                        System.out.println("jackson present: " + core.getLayer().findModule("tools.jackson.core").isPresent());
                        try {
                            router.status().toJson();
                        } catch (IllegalStateException e) {
                            System.out.println("toJson: " + e.getMessage());
                        }
                    }
                }
            }
            """;

    @Test
    void aModularApplicationRoutesThroughTheCoreAndSeesOnlyItsPublicPackages(@TempDir Path work) throws Exception {
        String modulePath = Stream.of(
                        RoutingDataSource.class,
                        HikariConfig.class,
                        Driver.class,
                        CircuitBreaker.class,
                        IntervalFunction.class,
                        LoggerFactory.class)
                .map(ModulePathIT::location)
                .distinct()
                .collect(Collectors.joining(File.pathSeparator));
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
        run(
                output,
                tool("java"),
                "--module-path",
                classes + File.pathSeparator + modulePath,
                "-m",
                "app/app.Main",
                cluster.primary().jdbcUrl(),
                cluster.replica(0).jdbcUrl(),
                cluster.user(),
                cluster.password());

        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(printed)
                .contains(
                        "write on standby: false",
                        "read answered: 1",
                        "core module: io.pgrouter",
                        "exports io.pgrouter: true",
                        "exports io.pgrouter.micrometer: true",
                        "exports io.pgrouter.internal: false",
                        "exports io.pgrouter.internal.config: false",
                        "micrometer present: false",
                        "jackson present: false",
                        "toJson: RouterStatus.toJson() needs Jackson (tools.jackson.core:jackson-core)");
    }

    /** Runs a JDK tool in a process of its own (the JDK's, as the test kit's JVM runs on it); fails on a non-zero exit. */
    private static void run(Path output, String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            assertThat(process.waitFor(2, TimeUnit.MINUTES))
                    .as("%s finished", command[0])
                    .isTrue();
        } finally {
            process.destroyForcibly();
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
