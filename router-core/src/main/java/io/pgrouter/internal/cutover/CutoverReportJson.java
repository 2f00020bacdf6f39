package io.pgrouter.internal.cutover;

import io.pgrouter.CutoverReport;
import io.pgrouter.CutoverReport.StepTiming;
import io.pgrouter.CutoverReport.TableCount;
import io.pgrouter.cutover.SequenceMove;
import io.pgrouter.internal.switchover.ReportJson;
import java.io.StringWriter;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON form of a {@link CutoverReport}, in the switchover report's conventions: field names are the components'
 * names, times ISO-8601 strings, durations milliseconds ({@code Millis} suffix), enums lower case, unknown values
 * {@code null}, counts not taken -1. The readiness report is embedded as its own JSON.
 */
public final class CutoverReportJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private CutoverReportJson() {}

    /** {@code report} as one JSON object. */
    public static String of(CutoverReport report) {
        StringWriter out = new StringWriter(4096);
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
            json.writeStringProperty("confirmedLsn", report.confirmedLsn());
            json.writeNumberProperty("terminatedSessions", report.terminatedSessions());
            ReportJson.writePause(json, report.writePause());
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
            json.writeArrayPropertyStart("tables");
            for (TableCount t : report.tables()) {
                json.writeStartObject();
                json.writeStringProperty("table", t.table());
                json.writeNumberProperty("sourceBefore", t.sourceBefore());
                json.writeNumberProperty("targetBefore", t.targetBefore());
                json.writeNumberProperty("sourceAtSwap", t.sourceAtSwap());
                json.writeNumberProperty("targetAtSwap", t.targetAtSwap());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayPropertyStart("sequences");
            for (SequenceMove m : report.sequences()) {
                json.writeStartObject();
                json.writeStringProperty("sequence", m.sequence());
                writeLong(json, "sourceLast", m.sourceLast());
                writeLong(json, "targetBefore", m.targetBefore());
                writeLong(json, "targetAfter", m.targetAfter());
                json.writeBooleanProperty("moved", m.moved());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeName("readiness");
            if (report.readiness() == null) {
                json.writeNull();
            } else {
                json.writeRawValue(ReadinessJson.of(report.readiness()));
            }
            json.writeEndObject();
        }
        return out.toString();
    }

    private static void writeLong(JsonGenerator json, String name, Long value) {
        if (value == null) {
            json.writeNullProperty(name);
        } else {
            json.writeNumberProperty(name, value);
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
