package io.pgrouter.samples.ops;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real {@code prometheus} process for a test: a temporary configuration and data directory, one scrape job for
 * a service's {@code /actuator/prometheus}, the rule files given, scrape and evaluation every second, the web API on
 * a free loopback port. {@link #close()} stops the process and deletes the directory.
 */
final class PrometheusServer implements AutoCloseable {

    /** The scrape job's name: the {@code job} label of every series. */
    static final String JOB = "orders";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final Process process;
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Path dir, Process process, URI base) {
        this.dir = dir;
        this.process = process;
        this.base = base;
    }

    /**
     * Starts Prometheus scraping {@code target} ({@code host:port}) at {@code /actuator/prometheus} and evaluating
     * {@code ruleFiles}; returns once it answers {@code /-/ready}.
     */
    static PrometheusServer start(String target, Path... ruleFiles) throws IOException {
        Path dir = Files.createTempDirectory("pgrouter-prometheus");
        PrometheusServer server = null;
        try {
            StringBuilder config = new StringBuilder("""
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    rule_files:
                    """);
            for (Path rules : ruleFiles) {
                config.append("  - '").append(rules.toAbsolutePath()).append("'\n");
            }
            config.append("""
                    scrape_configs:
                      - job_name: %s
                        metrics_path: /actuator/prometheus
                        static_configs:
                          - targets: ['%s']
                    """.formatted(JOB, target));
            Files.writeString(dir.resolve("prometheus.yml"), config);
            int port = freePort();
            Process process = new ProcessBuilder(
                            "prometheus",
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            server = new PrometheusServer(dir, process, URI.create("http://127.0.0.1:" + port));
            server.awaitReady();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            if (server != null) {
                server.close();
            } else {
                deleteTree(dir);
            }
            throw e;
        }
    }

    private void awaitReady() {
        await("Prometheus at " + base + " ready")
                .atMost(STARTUP_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "prometheus exited with " + process.exitValue() + ":\n" + log());
                    }
                    return status("/-/ready") == 200;
                });
    }

    /** The base URL of the web UI and API. */
    URI uri() {
        return base;
    }

    /**
     * Evaluates {@code promql} now ({@code /api/v1/query}) and returns Prometheus's whole answer: {@code status} is
     * {@code success} with {@code data}, or {@code error} with {@code errorType} and {@code error}.
     */
    JsonNode query(String promql) {
        return getJson("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The active alerts ({@code /api/v1/alerts}): pending and firing; a resolved alert is no longer there. */
    List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        getJson("/api/v1/alerts").path("data").path("alerts").forEach(alerts::add);
        return alerts;
    }

    /** Every metric name Prometheus has stored ({@code /api/v1/label/__name__/values}). */
    List<String> metricNames() {
        List<String> names = new ArrayList<>();
        getJson("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asString()));
        return names;
    }

    /** The last lines Prometheus logged, for failure messages. */
    String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private JsonNode getJson(String path) {
        try {
            HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + base + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + base + path, e);
        }
    }

    private int status(String path) {
        try {
            return http.send(request(path), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL after 20 s) and deletes its directory. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(dir);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("could not delete " + dir + ": " + e);
        }
    }
}
