package io.pgrouter.samples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PromQL reading behind the dashboard check: which words of a query are metric names. */
class GrafanaDashboardTest {

    @Test
    void findsTheMetricsOfAQueryButNotItsFunctionsLabelsOrKeywords() {
        String promql =
                "sum by (node) (rate(pgrouter_probe_latency_seconds_sum{job=~\".+\", outcome!=\"success\"}[1m]))"
                        + " / on (node) group_left sum by (node) (rate(pgrouter_probe_latency_seconds_count[5m] offset 1m)) > bool 0.5";

        assertThat(GrafanaDashboard.metricNames(promql))
                .containsExactly("pgrouter_probe_latency_seconds_sum", "pgrouter_probe_latency_seconds_count");
    }

    @Test
    void aBareSelectorAndAComparisonWithTwoMetrics() {
        assertThat(GrafanaDashboard.metricNames("pgrouter_node_role == 1 and pgrouter_node_in_rotation == 0"))
                .containsExactly("pgrouter_node_role", "pgrouter_node_in_rotation");
    }
}
