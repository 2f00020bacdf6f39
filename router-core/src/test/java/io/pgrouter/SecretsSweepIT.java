package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets sweep: a router configured with known, distinct secrets (the application's password, the probe
 * login's password, the TLS key store's password) is driven through start, routing, a wrong password, a node down
 * and bad configuration in a JVM of its own ({@link SecretsSweepRun}), with every slf4j logger at DEBUG and pgjdbc's
 * java.util.logging at FINE; everything it prints (logs, status, JSON, meters, exception messages, causes and
 * {@code toString}s) must be free of every secret.
 *
 * <p>A JVM of its own, because slf4j-simple fixes a logger's level when the logger is made: in the test JVM, classes
 * loaded by earlier tests would keep logging at INFO. {@link #theSweepSeesASecretLoggedAtDebug()} shows the check
 * fails when a secret is logged: the child then prints one through a test-only logger at DEBUG.
 */
@PostgresReplicaSet(replicas = 1, tls = true)
class SecretsSweepIT {

    private static final String APP_USER = "sweep_app";
    private static final String APP_PASSWORD = "Sw33p-App-Secret-71f3";
    private static final String PROBE_USER = "sweep_monitor";
    private static final String PROBE_PASSWORD = "Sw33p-Probe-Secret-2c8e";

    static ReplicaSet cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void createRoles() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + APP_USER
                    + "') THEN CREATE ROLE "
                    + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'; END IF;"
                    + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + PROBE_USER + "') THEN CREATE ROLE "
                    + PROBE_USER
                    + " LOGIN PASSWORD '" + PROBE_PASSWORD + "' IN ROLE pg_monitor; END IF; END $$");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    private List<String> secrets() {
        return List.of(APP_PASSWORD, PROBE_PASSWORD, cluster.tls().clientKeyStorePassword());
    }

    @Test
    void noSecretAppearsInAnythingTheRouterPrintsOrLogs() throws Exception {
        String output = runChild(false);
        // Not vacuous: the run went through every step, logged at DEBUG, and met the failures it was meant to.
        assertThat(output)
                .contains(
                        "=== a router that works",
                        "=== a cutover target",
                        "\"cutover\":{\"target\":\"target\"",
                        "\"result\":\"checks_failed\"",
                        "=== wrong password",
                        "=== a node down",
                        "=== bad configuration",
                        "=== done",
                        " DEBUG ",
                        "status: ",
                        "json: ",
                        "meter: MeterId{name='pgrouter.",
                        "password authentication failed",
                        "pgrouter.ssl.mode must be one of",
                        "exception: ");
        for (String secret : secrets()) {
            assertThat(linesContaining(output, secret))
                    .as("lines holding a secret")
                    .isEmpty();
        }
        System.out.printf(
                "secrets sweep: %d lines, %d at DEBUG, no secret%n",
                output.lines().count(),
                output.lines().filter(l -> l.contains(" DEBUG ")).count());
    }

    @Test
    void theSweepSeesASecretLoggedAtDebug() throws Exception {
        String output = runChild(true);
        assertThat(linesContaining(output, PROBE_PASSWORD))
                .singleElement()
                .asString()
                .contains("DEBUG io.pgrouter.sweep.leak");
    }

    private static List<String> linesContaining(String output, String secret) {
        return output.lines().filter(line -> line.contains(secret)).toList();
    }

    private String runChild(boolean leak) throws IOException, InterruptedException {
        Path julConfig = dir.resolve("logging.properties");
        Files.writeString(
                julConfig,
                "handlers=java.util.logging.ConsoleHandler\njava.util.logging.ConsoleHandler.level=ALL\n"
                        + ".level=INFO\norg.postgresql.level=FINE\n");
        Path log = dir.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Djava.util.logging.config.file=" + julConfig,
                "-Dpgrouter.sweep.leak=" + leak,
                SecretsSweepRun.class.getName(),
                cluster.primary().jdbcUrl(),
                cluster.replica(0).jdbcUrl(),
                cluster.tls().caCertificate().toString(),
                cluster.tls().clientKeyStore().toString(),
                cluster.tls().clientKeyStorePassword(),
                APP_USER,
                APP_PASSWORD,
                PROBE_USER,
                PROBE_PASSWORD));
        // The secrets are on this command line only: the child's own output is what is checked.
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!child.waitFor(3, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError(
                    "the sweep's JVM did not finish within 3 minutes; its output:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(child.exitValue())
                .as("exit code of the sweep's JVM; its output:\n%s", output)
                .isZero();
        return output;
    }
}
