package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.CutoverReport.Result;
import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.ReadinessReport.Light;
import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.UpgradePair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A router configured with a cutover target by its properties checks the target's readiness on its own schedule and
 * shows the last check and the last cutover in its status and JSON, over a real PostgreSQL 15 source replicating to a
 * PostgreSQL 18 target. Nothing here calls {@code check()}.
 */
class ScheduledReadinessIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String THREAD = "pgrouter-cutover-readiness";

    private static UpgradePair clusters;
    private static LogicalReplication replication;

    @BeforeAll
    static void replicate() {
        clusters = UpgradePair.start("15", "18", "shop");
        replication = clusters.replicate(r -> r.name("scheduled_sub")
                .schema("CREATE TABLE scheduled_orders(id serial PRIMARY KEY, customer text)")
                .tables("scheduled_orders"));
    }

    @AfterAll
    static void stop() {
        if (clusters != null) {
            clusters.close();
        }
    }

    private static Map<String, String> properties() {
        return Map.of(
                "pgrouter.primary.name", "pg15",
                "pgrouter.primary.url", clusters.source().primary().jdbcUrl(),
                "pgrouter.primary.username", clusters.source().user(),
                "pgrouter.primary.password", clusters.source().password(),
                "pgrouter.cutover.target.primary.name", "pg18",
                "pgrouter.cutover.target.primary.url",
                        clusters.target().primary().jdbcUrl(),
                "pgrouter.cutover.target.primary.username", clusters.target().user(),
                "pgrouter.cutover.target.primary.password", clusters.target().password(),
                "pgrouter.cutover.readiness.check-interval", "200ms",
                "pgrouter.cutover.readiness.stable-for", "1s");
    }

    @Test
    void theLightTurnsGreenByItselfGoesRedWhenTheSubscriptionIsDisabledAndTheStatusShowsIt() {
        List<Light> seen = new ArrayList<>();
        try (RoutingDataSource router = RoutingDataSource.fromProperties(properties())) {
            CutoverStatus first = router.status().cutover();
            assertThat(first.target()).isEqualTo("pg18");
            assertThat(first.targetNodes()).containsExactly("pg18");
            assertThat(first.pending()).isTrue();
            assertThat(first.checkInterval()).isEqualTo(Duration.ofMillis(200));

            await("GREEN without anyone calling check()")
                    .atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Light light = router.status().cutover().light();
                        if (light != null && (seen.isEmpty() || seen.get(seen.size() - 1) != light)) {
                            seen.add(light);
                        }
                        return light == Light.GREEN;
                    });
            // The stable period of 1 s shows as YELLOW first.
            assertThat(seen).contains(Light.YELLOW);
            ReadinessReport green = router.status().cutover().readiness();
            assertThat(green.reasons()).isEmpty();
            assertThat(green.table("scheduled_orders").state()).isEqualTo(ReadinessReport.SyncState.READY);

            JsonNode json =
                    JsonMapper.builder().build().readTree(router.status().toJson());
            assertThat(json.at("/cutover/readiness/light").asString()).isIn("green", "yellow", "red");
            assertThat(json.at("/cutover/readiness/tables/0/name").asString()).isEqualTo("scheduled_orders");
            assertThat(json.at("/cutover/target").asString()).isEqualTo("pg18");
            assertThat(router.status().toJson() + router.status() + router)
                    .doesNotContain(clusters.target().password());

            replication.disable();
            try {
                await("RED with the reason once the subscription is disabled")
                        .atMost(DEADLINE)
                        .until(() -> router.status().cutover().light() == Light.RED);
                assertThat(router.status().cutover().readiness().reasons())
                        .contains("subscription scheduled_sub is disabled");
            } finally {
                replication.enable();
            }
            await("GREEN again")
                    .atMost(DEADLINE)
                    .until(() -> router.status().cutover().light() == Light.GREEN);

            CutoverReport dryRun = router.cutover(CutoverOptions.ofDryRun());
            assertThat(dryRun.result()).as(dryRun.toText()).isEqualTo(Result.DRY_RUN_PASSED);
            assertThat(router.status().cutover().lastCutover()).isSameAs(dryRun);
            assertThat(JsonMapper.builder()
                            .build()
                            .readTree(router.status().toJson())
                            .at("/cutover/lastCutover/result")
                            .asString())
                    .isEqualTo("dry_run_passed");
            assertThat(thread(THREAD)).isTrue();
        }
        await("the schedule's thread ends with the router").atMost(DEADLINE).until(() -> !thread(THREAD));
    }

    @Test
    void withoutATargetThereIsNoCutoverInTheStatusAndNoScheduleThread() {
        Map<String, String> noTarget = new java.util.HashMap<>(properties());
        noTarget.keySet().removeIf(k -> k.startsWith("pgrouter.cutover."));
        try (RoutingDataSource router = RoutingDataSource.fromProperties(noTarget)) {
            assertThat(router.status().cutover()).isNull();
            assertThat(router.status().toJson()).contains("\"cutover\":null");
        }
    }

    private static boolean thread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
