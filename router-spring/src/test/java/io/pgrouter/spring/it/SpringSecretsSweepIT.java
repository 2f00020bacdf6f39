package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.autoconfigure.PgRouterSanitizingAutoConfiguration;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The secrets sweep on the Spring side: a Boot application configured with known, distinct secrets (the nodes'
 * password, the probe user's, the TLS key store's) is driven through start, routing, a replica down, a wrong password
 * and bad configuration, with every logger at DEBUG and every actuator endpoint exposed, {@code env} and
 * {@code configprops} showing values ({@code show-values=always}); everything it answers over HTTP, every meter,
 * every log line and every exception message must be free of every secret. {@link #theSweepFailsOnALeak} shows the
 * check fails when a secret shows: without pgrouter's sanitizing function, Boot's {@code env} endpoint shows the
 * passwords.
 */
@PostgresReplicaSet(replicas = 1, tls = true, isolated = true)
@ExtendWith(OutputCaptureExtension.class)
class SpringSecretsSweepIT {

    private static final String APP_USER = "boot_sweep_app";
    private static final String APP_PASSWORD = "B00t-Sweep-App-Secret-5d1a";
    private static final String PROBE_USER = "boot_sweep_monitor";
    private static final String PROBE_PASSWORD = "B00t-Sweep-Probe-Secret-90bc";
    private static final String TARGET_USER = "boot_sweep_target";
    private static final String TARGET_PASSWORD = "B00t-Sweep-Target-Secret-3e77";
    private static final Pattern LINK = Pattern.compile("\"href\"\\s*:\\s*\"(http://[^\"{}]+)\"");

    static ReplicaSet cluster;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void createRoles() throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
            s.execute("GRANT CREATE ON SCHEMA public TO " + APP_USER);
            s.execute("CREATE ROLE " + PROBE_USER + " LOGIN PASSWORD '" + PROBE_PASSWORD + "' IN ROLE pg_monitor");
            s.execute("CREATE ROLE " + TARGET_USER + " LOGIN PASSWORD '" + TARGET_PASSWORD + "'");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    private List<String> secrets() {
        return List.of(
                APP_PASSWORD, PROBE_PASSWORD, TARGET_PASSWORD, cluster.tls().clientKeyStorePassword());
    }

    private Map<String, Object> configuration() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("pgrouter.primary.url", cluster.primary().jdbcUrl());
        p.put("pgrouter.primary.username", APP_USER);
        p.put("pgrouter.primary.password", APP_PASSWORD);
        p.put("pgrouter.replicas[0].url", cluster.replica(0).jdbcUrl());
        p.put("pgrouter.ssl.root-cert", cluster.tls().caCertificate().toString());
        p.put("pgrouter.ssl.key", cluster.tls().clientKeyStore().toString());
        p.put("pgrouter.ssl.key-password", cluster.tls().clientKeyStorePassword());
        p.put("pgrouter.probe.username", PROBE_USER);
        p.put("pgrouter.probe.password", PROBE_PASSWORD);
        p.put("pgrouter.probe.interval", "200ms");
        // A cutover target (the same server under another name, with a login of its own): the router's scheduled
        // readiness check logs in with its password; the status, the endpoint and env/configprops show the keys.
        p.put("pgrouter.cutover.target.primary.name", "target");
        p.put("pgrouter.cutover.target.primary.url", cluster.primary().jdbcUrl());
        p.put("pgrouter.cutover.target.primary.username", TARGET_USER);
        p.put("pgrouter.cutover.target.primary.password", TARGET_PASSWORD);
        p.put(
                "pgrouter.cutover.target.primary.ssl.root-cert",
                cluster.tls().caCertificate().toString());
        p.put(
                "pgrouter.cutover.target.primary.ssl.key",
                cluster.tls().clientKeyStore().toString());
        p.put("pgrouter.cutover.target.primary.ssl.key-password", cluster.tls().clientKeyStorePassword());
        p.put("pgrouter.cutover.readiness.check-interval", "200ms");
        p.put("spring.jpa.hibernate.ddl-auto", "none");
        p.put("spring.jpa.open-in-view", "false");
        p.put("management.endpoints.web.exposure.include", "*");
        p.put("management.endpoint.env.show-values", "always");
        p.put("management.endpoint.configprops.show-values", "always");
        p.put("management.endpoint.health.show-details", "always");
        p.put("management.endpoint.pgrouter.access", "unrestricted");
        p.put("server.port", "0");
        p.put("server.address", "127.0.0.1");
        p.put("spring.main.banner-mode", "off");
        p.put("logging.level.root", "DEBUG");
        return p;
    }

    @Test
    void noSecretAppearsInAnythingTheApplicationShowsOrLogs(CapturedOutput output) throws Exception {
        StringBuilder seen = new StringBuilder();
        section(seen, "a service that works");
        try (ConfigurableApplicationContext app = start(configuration())) {
            RoutingDataSource router = app.getBean(RoutingDataSource.class);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("replica-1").eligible());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().cutover().readiness() != null);
            seen.append(get(app, "/actuator/pgrouter/cutover")).append('\n');
            // A dry run of the cutover: the target has no subscription, so its checks fail, naming why.
            seen.append(post(app, "/actuator/pgrouter/cutover", "{}")).append('\n');
            JdbcTemplate jdbc = new JdbcTemplate(router);
            jdbc.execute("CREATE TABLE IF NOT EXISTS sweep (id int)");
            jdbc.update("INSERT INTO sweep VALUES (1)");
            seen.append("router: ").append(router).append('\n');
            seen.append("status: ").append(router.status()).append('\n');
            for (Meter meter : app.getBean(MeterRegistry.class).getMeters()) {
                seen.append("meter: ")
                        .append(meter.getId())
                        .append(' ')
                        .append(meter.measure())
                        .append('\n');
            }
            String index = get(app, "/actuator");
            seen.append(index).append('\n');
            Matcher links = LINK.matcher(index);
            int endpoints = 0;
            while (links.find()) {
                seen.append("GET ").append(links.group(1)).append('\n');
                seen.append(send(links.group(1))).append('\n');
                endpoints++;
            }
            assertThat(endpoints).as("actuator endpoints read").isGreaterThan(10);
            for (String metric :
                    List.of("pgrouter.route.decisions", "pgrouter.node.state", "pgrouter.replica.lag.bytes")) {
                seen.append(get(app, "/actuator/metrics/" + metric)).append('\n');
            }

            section(seen, "a replica down");
            cluster.replica(0).stop();
            try {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> !router.status().node("replica-1").eligible());
                seen.append(get(app, "/actuator/pgrouter")).append('\n');
                seen.append(get(app, "/actuator/health")).append('\n');
            } finally {
                cluster.replica(0).start();
            }
        }

        section(seen, "a wrong password");
        Map<String, Object> wrong = configuration();
        wrong.put("pgrouter.primary.password", APP_PASSWORD + "-wrong");
        try (ConfigurableApplicationContext app = start(wrong)) {
            try (Connection c = app.getBean(RoutingDataSource.class).getConnection()) {
                c.createStatement().execute("SELECT 1");
                seen.append("a connection with the wrong password worked\n");
            } catch (SQLException e) {
                describe(seen, e);
            }
            seen.append(get(app, "/actuator/health")).append('\n');
        } catch (RuntimeException e) {
            describe(seen, e);
        }

        section(seen, "bad configuration");
        Map<String, Object> bad = configuration();
        bad.put("pgrouter.ssl.mode", "very-full");
        try (ConfigurableApplicationContext app = start(bad)) {
            seen.append("a bad configuration started\n");
        } catch (RuntimeException e) {
            describe(seen, e);
        }

        String everything = output.getAll() + "\n" + seen;
        // Not vacuous: every step ran, logged at DEBUG, showed pgrouter's keys and met the failures it was meant to.
        assertThat(everything)
                .contains(
                        " DEBUG ",
                        "pgrouter.primary.password",
                        "pgrouter.probe.password",
                        "pgrouter.ssl.key-password",
                        "pgrouter.cutover.target.primary.password",
                        "\"readiness\":{",
                        "checks_failed",
                        "\"replicas\"",
                        "pgrouter.route.decisions",
                        "password authentication failed",
                        "very-full");
        assertThat(seen).doesNotContain("a connection with the wrong password worked", "a bad configuration started");
        for (String secret : secrets()) {
            assertThat(linesHolding(everything, secret))
                    .as("lines holding a secret")
                    .isEmpty();
        }
        System.out.printf(
                "spring secrets sweep: %d lines, %d at DEBUG, no secret%n",
                everything.lines().count(),
                everything.lines().filter(l -> l.contains(" DEBUG ")).count());
    }

    @Test
    void theSweepFailsOnALeak() throws Exception {
        Map<String, Object> withoutSanitizer = configuration();
        withoutSanitizer.put("logging.level.root", "INFO");
        withoutSanitizer.put("spring.autoconfigure.exclude", PgRouterSanitizingAutoConfiguration.class.getName());
        try (ConfigurableApplicationContext app = start(withoutSanitizer)) {
            String env = get(app, "/actuator/env");
            assertThat(linesHolding(env, APP_PASSWORD))
                    .as("Boot's env endpoint without pgrouter's sanitizing function")
                    .isNotEmpty();
            assertThat(linesHolding(get(app, "/actuator/configprops"), PROBE_PASSWORD))
                    .isNotEmpty();
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(ItApplication.class)
                .properties(properties)
                .run();
    }

    private String get(ConfigurableApplicationContext app, String path) throws IOException, InterruptedException {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        return send("http://127.0.0.1:" + port + path);
    }

    private String post(ConfigurableApplicationContext app, String path, String json)
            throws IOException, InterruptedException {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private String send(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static void section(StringBuilder seen, String name) {
        seen.append("=== ").append(name).append('\n');
    }

    /** Every message, cause and {@code toString} of {@code e}'s chain. */
    private static void describe(StringBuilder seen, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            seen.append("exception: ").append(t).append('\n');
            seen.append("message: ").append(t.getMessage()).append('\n');
        }
    }

    /** The lines of {@code text} holding {@code secret}: in JSON (one line per answer) the line is cut around it. */
    private static List<String> linesHolding(String text, String secret) {
        return text.lines()
                .filter(line -> line.contains(secret))
                .map(line -> {
                    int at = line.indexOf(secret);
                    return line.substring(Math.max(0, at - 120), Math.min(line.length(), at + secret.length() + 20));
                })
                .toList();
    }
}
