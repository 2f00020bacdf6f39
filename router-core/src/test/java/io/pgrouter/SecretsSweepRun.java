package io.pgrouter;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrouter.micrometer.MicrometerMetrics;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link SecretsSweepIT}: drives a router through start, use, failures and bad configuration with
 * every logger at DEBUG, and prints everything a secret could leak into (status, JSON, meters, every exception's
 * message, cause chain and {@code toString}). The parent scans this JVM's whole output.
 *
 * <p>Arguments: primary URL, replica URL, CA certificate, key store, key store password, app user, app password,
 * probe user, probe password. With {@code -Dpgrouter.sweep.leak=true} a test-only logger prints a secret at DEBUG:
 * the parent's check must then fail (that is how the sweep is shown able to fail).
 */
final class SecretsSweepRun {

    private static final PrintStream out = System.out;

    public static void main(String[] args) throws Exception {
        String primaryUrl = args[0];
        String replicaUrl = args[1];
        String appPassword = args[6];
        String probePassword = args[8];
        Map<String, String> good = new HashMap<>();
        good.put("pgrouter.primary.url", primaryUrl);
        good.put("pgrouter.primary.username", args[5]);
        good.put("pgrouter.primary.password", appPassword);
        good.put("pgrouter.replicas[0].url", replicaUrl);
        good.put("pgrouter.ssl.root-cert", args[2]);
        good.put("pgrouter.ssl.key", args[3]);
        good.put("pgrouter.ssl.key-password", args[4]);
        good.put("pgrouter.probe.username", args[7]);
        good.put("pgrouter.probe.password", probePassword);
        good.put("pgrouter.probe.interval", "200ms");

        if (Boolean.getBoolean("pgrouter.sweep.leak")) {
            LoggerFactory.getLogger("io.pgrouter.sweep.leak")
                    .debug("deliberate leak for the sweep's own test: {}", probePassword);
            section("done");
            return;
        }

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        section("a router that works");
        try (RoutingDataSource router = fromProperties(good, registry)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("replica-1").eligible());
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                out.println("connection: " + c);
            }
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                c.createStatement().execute("SELECT 1");
            }
            out.println("router: " + router);
            out.println("status: " + router.status());
            out.println("json: " + router.status().toJson());
            for (Meter meter : registry.getMeters()) {
                out.println("meter: " + meter.getId() + " " + meter.measure());
            }
        } catch (RuntimeException e) {
            print(e);
        }

        section("a cutover target");
        // The target is the same server under another name, with its own keys (and its own TLS settings): the
        // scheduled readiness check logs in with the target's password, and its report and a dry run are printed.
        Map<String, String> withTarget = new HashMap<>(good);
        withTarget.put("pgrouter.cutover.target.primary.name", "target");
        withTarget.put("pgrouter.cutover.target.primary.url", primaryUrl);
        withTarget.put("pgrouter.cutover.target.primary.username", args[5]);
        withTarget.put("pgrouter.cutover.target.primary.password", appPassword);
        withTarget.put("pgrouter.cutover.target.primary.ssl.root-cert", args[2]);
        withTarget.put("pgrouter.cutover.target.primary.ssl.key", args[3]);
        withTarget.put("pgrouter.cutover.target.primary.ssl.key-password", args[4]);
        withTarget.put("pgrouter.cutover.readiness.check-interval", "200ms");
        for (String targetPassword : java.util.List.of(appPassword, appPassword + "-wrong")) {
            withTarget.put("pgrouter.cutover.target.primary.password", targetPassword);
            try (RoutingDataSource router = RoutingDataSource.fromProperties(withTarget)) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> router.status().cutover().readiness() != null);
                out.println("router: " + router);
                out.println("target: " + router.cutoverTarget().orElseThrow());
                out.println("status: " + router.status());
                out.println("json: " + router.status().toJson());
                out.println("readiness: " + router.status().cutover().readiness());
                CutoverReport dryRun = router.cutover(CutoverOptions.ofDryRun());
                out.println("dry run: " + dryRun.toText() + "\n" + dryRun.toJson());
                out.println("json: " + router.status().toJson());
            } catch (RuntimeException e) {
                print(e);
            }
        }

        section("wrong password");
        Map<String, String> wrong = new HashMap<>(good);
        wrong.put("pgrouter.primary.password", appPassword + "-wrong");
        wrong.put("pgrouter.probe.password", probePassword + "-wrong");
        wrong.put("pgrouter.pool.primary.connection-timeout", "1s");
        try (RoutingDataSource router = RoutingDataSource.fromProperties(wrong)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("primary").notEligibleReason() != null
                            && !router.status()
                                    .node("primary")
                                    .notEligibleReason()
                                    .contains("not probed"));
            attempt(() -> {
                try (Connection c = router.getConnection()) {
                    return c.createStatement().execute("SELECT 1");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            out.println(
                    "status: " + router.status() + "\njson: " + router.status().toJson());
        }

        section("a node down");
        Map<String, String> down = new HashMap<>(good);
        down.put("pgrouter.replicas[0].url", "jdbc:postgresql://127.0.0.1:1/postgres");
        try (RoutingDataSource router = RoutingDataSource.fromProperties(down)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("replica-1").notEligibleReason() != null
                            && router.status()
                                    .node("replica-1")
                                    .notEligibleReason()
                                    .contains("probe failed"));
            out.println(
                    "status: " + router.status() + "\njson: " + router.status().toJson());
        }

        section("bad configuration");
        for (Map.Entry<String, String> change : Map.of(
                        "pgrouter.primary.password-file", "/nonexistent/app-password",
                        "pgrouter.cutover.target.primary.url", primaryUrl + "?password=" + appPassword,
                        "pgrouter.primary.url", primaryUrl + "?password=" + appPassword,
                        "pgrouter.ssl.mode", "verify-fool",
                        "pgrouter.ssl.key", "/nonexistent/key.p12",
                        "pgrouter.probe.password-file", "/nonexistent/probe",
                        "pgrouter.primary.properties.sslpassword", probePassword,
                        "pgrouter.probe.username", "")
                .entrySet()) {
            Map<String, String> bad = new HashMap<>(good);
            bad.put(change.getKey(), change.getValue());
            attempt(() -> RoutingDataSource.fromProperties(bad));
        }
        Map<String, String> env = Map.of(
                "POSTGRES_HOST",
                "127.0.0.1",
                "POSTGRES_USER",
                "app",
                "POSTGRES_PASSWORD",
                appPassword,
                "POSTGRES_PROBE_USER",
                "monitor",
                "POSTGRES_PROBE_PASSWORD",
                probePassword,
                "POSTGRES_SSL_KEY_PASSWORD",
                args[4],
                "DB_POOL_SIZE",
                "-3");
        attempt(() -> RoutingDataSource.fromEnvironment(env));
        section("done");
    }

    private static RoutingDataSource fromProperties(Map<String, String> properties, SimpleMeterRegistry registry) {
        // The builder path with meters: the same keys as fromProperties, through TlsSettings and probeLogin.
        return RoutingDataSource.builder()
                .primary(
                        properties.get("pgrouter.primary.url"),
                        properties.get("pgrouter.primary.username"),
                        properties.get("pgrouter.primary.password"))
                .replica("replica-1", properties.get("pgrouter.replicas[0].url"), null, null)
                .tls(TlsSettings.verifyFull(java.nio.file.Path.of(properties.get("pgrouter.ssl.root-cert")))
                        .clientCertificate(null, java.nio.file.Path.of(properties.get("pgrouter.ssl.key")))
                        .keyPassword(properties.get("pgrouter.ssl.key-password")))
                .probeLogin(properties.get("pgrouter.probe.username"), properties.get("pgrouter.probe.password"))
                .probeInterval(Duration.ofMillis(200))
                .metrics(MicrometerMetrics.of(registry))
                .build();
    }

    private static void attempt(Supplier<?> action) {
        try {
            Object result = action.get();
            if (result instanceof AutoCloseable closeable) {
                out.println("unexpectedly built: " + result);
                closeable.close();
            }
        } catch (Exception e) {
            print(e);
        }
    }

    private static void print(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.println("exception: " + t + " | message: " + t.getMessage());
            for (Throwable s : t.getSuppressed()) {
                out.println("suppressed: " + s);
            }
        }
        e.printStackTrace(out);
    }

    private static void section(String name) {
        out.println("=== " + name);
    }
}
