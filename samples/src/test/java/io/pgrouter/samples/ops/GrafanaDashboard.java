package io.pgrouter.samples.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PromQL of a Grafana dashboard JSON, with Grafana's variables replaced by values Prometheus accepts, and the
 * metric names each query reads.
 */
final class GrafanaDashboard {

    /** One query: where it is in the dashboard, and its PromQL as Grafana would send it. */
    record Query(String where, String promql, boolean panel) {}

    /** What the tests put for Grafana's variables: every job and instance, a 1-minute rate window, a 1-hour range. */
    private static final Map<String, String> VARIABLES =
            Map.of("$__rate_interval", "1m", "$__interval", "15s", "$__range", "1h", "$job", ".+", "$instance", ".+");

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan");

    private final List<Query> queries = new ArrayList<>();
    private final Set<String> variableMetrics = new LinkedHashSet<>();
    private int panelsWithoutQuery;

    private GrafanaDashboard() {}

    static GrafanaDashboard read(Path file) throws IOException {
        GrafanaDashboard dashboard = new GrafanaDashboard();
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        for (JsonNode panel : root.path("panels")) {
            if (panel.path("type").asString().equals("row")) {
                continue;
            }
            int before = dashboard.queries.size();
            for (JsonNode target : panel.path("targets")) {
                dashboard.queries.add(new Query(
                        "panel '" + panel.path("title").asString() + "' "
                                + target.path("refId").asString(),
                        substitute(target.path("expr").asString()),
                        true));
            }
            if (dashboard.queries.size() == before) {
                dashboard.panelsWithoutQuery++;
            }
        }
        for (JsonNode annotation : root.path("annotations").path("list")) {
            if (annotation.has("expr")) {
                dashboard.queries.add(new Query(
                        "annotation '" + annotation.path("name").asString() + "'",
                        substitute(annotation.path("expr").asString()),
                        false));
            }
        }
        for (JsonNode variable : root.path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asString());
            if (m.find()) {
                dashboard.variableMetrics.add(m.group(1));
            }
        }
        return dashboard;
    }

    /** Every query of every panel and annotation. */
    List<Query> queries() {
        return queries;
    }

    /** Metrics the template variables list label values of. */
    Set<String> variableMetrics() {
        return variableMetrics;
    }

    /** Panels (not rows) that have no query at all. */
    int panelsWithoutQuery() {
        return panelsWithoutQuery;
    }

    private static String substitute(String expr) {
        String result = expr;
        // Longest first: $__rate_interval before $__interval.
        for (String name : VARIABLES.keySet().stream()
                .sorted((a, b) -> b.length() - a.length())
                .toList()) {
            result = result.replace(name, VARIABLES.get(name));
        }
        return result;
    }

    /**
     * The metric names a PromQL expression selects: identifiers left once strings, label matchers, ranges and
     * grouping clauses are taken out, that are not functions (followed by a parenthesis) or keywords.
     */
    static Set<String> metricNames(String promql) {
        String rest = STRING.matcher(promql).replaceAll("\"\"");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String word = m.group();
            boolean function = rest.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(rest.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }
}
