package io.pgrouter.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.cutover.ReadinessReport.Light;
import io.pgrouter.cutover.ReadinessReport.RowCount;
import io.pgrouter.cutover.ReadinessReport.SyncState;
import io.pgrouter.cutover.ReadinessReport.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class ReadinessReportTest {

    private final ReadinessReport report = new ReadinessReport(
            Instant.parse("2025-01-01T00:00:00Z"),
            Light.RED,
            List.of("table public.items is not ready: data_copy (d)"),
            "shop_upgrade",
            true,
            true,
            "0/3000148",
            "0/3000000",
            328,
            Duration.ofMillis(1500),
            false,
            Duration.ZERO,
            List.of(
                    new Table(
                            "public",
                            "orders",
                            SyncState.READY,
                            new RowCount(120, RowCount.Kind.EXACT),
                            new RowCount(118, RowCount.Kind.EXACT)),
                    new Table(
                            "public",
                            "items",
                            SyncState.DATA_COPY,
                            new RowCount(5_000_000, RowCount.Kind.ESTIMATE),
                            RowCount.UNKNOWN)));

    @Test
    void theDeltaIsOnlyGivenForTwoExactCounts() {
        assertThat(report.table("orders").rowDelta()).isEqualTo(2);
        assertThat(report.table("public.items").rowDelta()).isNull();
        assertThatThrownBy(() -> report.table("nope")).hasMessageContaining("[public.orders, public.items]");
    }

    @Test
    void jsonHasEveryComponentWithUnknownsAsNull() {
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.get("light").asString()).isEqualTo("red");
        assertThat(json.get("reasons").get(0).asString()).isEqualTo("table public.items is not ready: data_copy (d)");
        assertThat(json.get("lagBytes").asLong()).isEqualTo(328);
        assertThat(json.get("lagMillis").asLong()).isEqualTo(1500);
        assertThat(json.get("confirmedPosition").asString()).isEqualTo("0/3000000");
        JsonNode items = json.get("tables").get(1);
        assertThat(items.get("state").asString()).isEqualTo("data_copy");
        assertThat(items.get("stateCode").asString()).isEqualTo("d");
        assertThat(items.get("sourceRows").get("kind").asString()).isEqualTo("estimate");
        assertThat(items.get("targetRows").get("rows").isNull()).isTrue();
        assertThat(items.get("rowDelta").isNull()).isTrue();
        assertThat(json.get("tables").get(0).get("rowDelta").asLong()).isEqualTo(2);
    }

    @Test
    void textShowsTheLightTheReasonsAndOneLinePerTable() {
        String text = report.toString();
        assertThat(text)
                .startsWith("cutover readiness RED at 2025-01-01T00:00:00Z\n")
                .contains("  - table public.items is not ready: data_copy (d)\n")
                .contains("lag 328 bytes / 1500 ms")
                .containsPattern("public\\.orders +ready \\(r\\) +120 +118 +2")
                .containsPattern("public\\.items +data_copy \\(d\\) +~5000000 +\\? +\\?");
    }
}
