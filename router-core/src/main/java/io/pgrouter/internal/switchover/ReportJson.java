package io.pgrouter.internal.switchover;

import io.pgrouter.SwitchoverReport;
import io.pgrouter.SwitchoverReport.Check;
import io.pgrouter.SwitchoverReport.StepTiming;
import io.pgrouter.SwitchoverReport.WritePause;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON form of a {@link SwitchoverReport}, written with Jackson's streaming generator as {@code StatusJson} is:
 * field names are the record components' names, times ISO-8601 strings, durations numbers of milliseconds (with a
 * {@code Millis} suffix), enums lower case, unknown values {@code null}. The shape is in {@code docs/switchover.md}.
 */
public final class ReportJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private ReportJson() {}

    /** {@code report} as one JSON object. */
    public static String of(SwitchoverReport report) {
        StringWriter out = new StringWriter(2048);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringProperty("id", report.id());
            json.writeStringProperty("from", report.from());
            json.writeStringProperty("to", report.to());
            json.writeBooleanProperty("dryRun", report.dryRun());
            json.writeStringProperty("result", lower(report.result()));
            json.writeStringProperty("failedStep", report.failedStep() == null ? null : lower(report.failedStep()));
            json.writeStringProperty("reason", report.reason());
            json.writeNumberProperty("durationMillis", report.duration().toMillis());
            json.writeStringProperty("finalLsn", report.finalLsn());
            json.writeStringProperty("targetReplayedLsn", report.targetReplayedLsn());
            json.writeNumberProperty("terminatedSessions", report.terminatedSessions());
            writePause(json, report.writePause());
            json.writeArrayPropertyStart("checks");
            for (Check c : report.checks()) {
                json.writeStartObject();
                json.writeStringProperty("name", c.name());
                json.writeBooleanProperty("passed", c.passed());
                json.writeStringProperty("detail", c.detail());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayPropertyStart("steps");
            for (StepTiming s : report.steps()) {
                json.writeStartObject();
                json.writeStringProperty("step", lower(s.step()));
                json.writeStringProperty("start", s.start().toString());
                json.writeStringProperty("end", s.end().toString());
                json.writeNumberProperty("durationMillis", s.duration().toMillis());
                json.writeBooleanProperty("ok", s.ok());
                json.writeStringProperty("detail", s.detail());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectPropertyStart("estimatesMillis");
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(report.estimatesMillis()).entrySet()) {
                json.writeNumberProperty(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toString();
    }

    /** The write pause as the object {@code writePause}: the cutover's report writes it the same way. */
    public static void writePause(JsonGenerator json, WritePause p) {
        json.writeObjectPropertyStart("writePause");
        json.writeNumberProperty("heldMillis", p.held().toMillis());
        json.writeNumberProperty("waited", p.waited());
        json.writeNumberProperty("failed", p.failed());
        json.writeNumberProperty("maxMillis", p.max().toMillis());
        json.writeNumberProperty("p50Millis", p.p50().toMillis());
        json.writeNumberProperty("p99Millis", p.p99().toMillis());
        json.writeEndObject();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
