package io.pgrouter.samples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.samples.demo.LoadDriver;
import io.pgrouter.samples.orders.OrdersOnCluster;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The operations kit end to end: the orders service on a real primary and replica, a real Prometheus scraping its
 * {@code /actuator/prometheus} and evaluating {@code ops/prometheus/pgrouter-rules.yml} as shipped (hold times
 * included), a fault (WAL replay paused under writes), and the alert firing and resolving as Prometheus's HTTP API
 * reports it; and every query of {@code ops/grafana/pgrouter-dashboard.json} evaluated by that Prometheus.
 */
@RequiresPrograms(value = "prometheus", installHint = "Debian: apt-get install prometheus")
@PostgresReplicaSet(replicas = 1, database = "orders", isolated = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsKitIT {

    /** The replica-out alert holds for 1 minute; the scrape, rule evaluation and probes add a few seconds. */
    private static final Duration ALERT_DEADLINE = Duration.ofMinutes(3);

    static ReplicaSet cluster;

    private ConfigurableApplicationContext service;
    private String baseUrl;
    private LoadDriver load;
    private PrometheusServer prometheus;

    @BeforeAll
    void startServiceAndPrometheus() throws Exception {
        // JUnit runs stopAll() also when this fails half way.
        service = OrdersOnCluster.start(cluster, Map.of());
        baseUrl = OrdersOnCluster.baseUrl(service);
        // Writes and reads through the service: routing counters move and the replica has WAL to replay.
        load = new LoadDriver(baseUrl, 20, 2000);
        prometheus = PrometheusServer.start(URI.create(baseUrl).getAuthority(), OpsFiles.rules());
        await("Prometheus has scraped the service")
                .atMost(Duration.ofMinutes(1))
                .until(() -> prometheus.metricNames().contains("pgrouter_node_in_rotation"));
    }

    @AfterAll
    void stopAll() {
        try (AutoCloseable s = service;
                AutoCloseable l = load;
                AutoCloseable p = prometheus) {
            // closed in reverse order (Prometheus, the load, the service), each even when another fails
        } catch (Exception e) {
            System.out.println("closing the operations kit test: " + e);
        }
    }

    @Test
    void theServiceExportsTheMetersTheRulesRead() throws Exception {
        String scrape = scrape();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/actuator-prometheus.txt"), scrape);

        assertThat(prometheus.metricNames())
                .contains(
                        "pgrouter_route_decisions_total",
                        "pgrouter_route_fallback",
                        "pgrouter_replica_lag_bytes",
                        "pgrouter_replica_lag_seconds",
                        "pgrouter_node_state",
                        "pgrouter_node_in_rotation",
                        "pgrouter_node_role",
                        "pgrouter_node_breaker_state",
                        "pgrouter_probe_latency_seconds_count",
                        "pgrouter_pool_utilization_ratio",
                        "hikaricp_connections_timeout_total");
    }

    @Test
    void replayPausedUnderWritesFiresTheReplicaOutOfRotationAlertWhichResolvesOnceReplayResumes() {
        PostgresNode replica = cluster.replica(0);
        assertThat(active("PgrouterReplicaOutOfRotation")).isEmpty();

        long paused = System.nanoTime();
        replica.pauseReplay();
        try {
            JsonNode alert = await("PgrouterReplicaOutOfRotation firing")
                    .atMost(ALERT_DEADLINE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> firing("PgrouterReplicaOutOfRotation"), Optional::isPresent)
                    .orElseThrow();
            System.out.printf(
                    "PgrouterReplicaOutOfRotation firing %d s after replay paused: %s%n", seconds(paused), alert);
            assertThat(alert.path("labels").path("node").asString()).isEqualTo(replica.name());
            assertThat(alert.path("labels").path("severity").asString()).isEqualTo("warning");
            assertThat(alert.path("annotations").path("runbook").asString())
                    .contains("/actuator/pgrouter/" + replica.name());
            assertThat(prometheus
                            .query("pgrouter_node_state{node=\"" + replica.name() + "\"}")
                            .path("data")
                            .path("result")
                            .path(0)
                            .path("value")
                            .path(1)
                            .asString())
                    .as("health state of the paused replica: lagging")
                    .isEqualTo("2");
        } finally {
            replica.resumeReplay();
        }

        long resumed = System.nanoTime();
        await("PgrouterReplicaOutOfRotation resolved")
                .atMost(ALERT_DEADLINE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> active("PgrouterReplicaOutOfRotation").isEmpty());
        System.out.printf("PgrouterReplicaOutOfRotation resolved %d s after replay resumed%n", seconds(resumed));
    }

    @Test
    void everyDashboardQueryEvaluatesAndReadsOnlyMetersTheServiceExports() throws Exception {
        GrafanaDashboard dashboard = GrafanaDashboard.read(OpsFiles.dashboard());
        Set<String> exported = exportedMetricNames();
        assertThat(dashboard.panelsWithoutQuery()).as("panels without a query").isZero();
        assertThat(dashboard.queries()).hasSizeGreaterThanOrEqualTo(15);
        assertThat(exported).containsAll(dashboard.variableMetrics());

        for (GrafanaDashboard.Query query : dashboard.queries()) {
            assertThat(GrafanaDashboard.metricNames(query.promql()))
                    .as(query.where() + ": " + query.promql())
                    .isNotEmpty()
                    .allMatch(exported::contains, "is exported by the service");
            // The service has run under load for a while: each panel query has data (series of zeros count).
            JsonNode answer = await(query.where())
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> prometheus.query(query.promql()),
                            a -> !a.path("status").asString().equals("success")
                                    || !query.panel()
                                    || !a.path("data").path("result").isEmpty());
            assertThat(answer.path("status").asString())
                    .as(query.where() + ": " + query.promql() + " -> " + answer)
                    .isEqualTo("success");
        }
        System.out.printf(
                "%d dashboard queries evaluated by Prometheus, each with data%n",
                dashboard.queries().size());
    }

    /** The metric names in the service's own scrape: what it exports, not what Prometheus adds ({@code up}, ...). */
    private Set<String> exportedMetricNames() throws Exception {
        return scrape().lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long seconds(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds();
    }

    private Optional<JsonNode> firing(String alertName) {
        return active(alertName).stream()
                .filter(a -> a.path("state").asString().equals("firing"))
                .findFirst();
    }

    private List<JsonNode> active(String alertName) {
        return prometheus.alerts().stream()
                .filter(a -> a.path("labels").path("alertname").asString().equals(alertName))
                .toList();
    }
}
