package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.ReadinessReport.RowCount;
import io.pgrouter.cutover.ReadinessReport.Table;
import java.io.StringWriter;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON form of {@link ReadinessReport}, written with Jackson's streaming generator like the router's status
 * ({@code StatusJson}): component names as field names, times ISO-8601, durations in milliseconds, enums lower case,
 * unknown values {@code null}. The shape is documented in {@code docs/cutover.md}.
 */
public final class ReadinessJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private ReadinessJson() {}

    /** {@code report} as one JSON object. */
    public static String of(ReadinessReport report) {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringProperty("checkedAt", report.checkedAt().toString());
            json.writeStringProperty("light", lower(report.light()));
            json.writeArrayPropertyStart("reasons");
            for (String reason : report.reasons()) {
                json.writeString(reason);
            }
            json.writeEndArray();
            json.writeStringProperty("subscription", report.subscription());
            json.writeBooleanProperty("subscriptionEnabled", report.subscriptionEnabled());
            json.writeBooleanProperty("applyWorkerRunning", report.applyWorkerRunning());
            json.writeStringProperty("sourcePosition", report.sourcePosition());
            json.writeStringProperty("confirmedPosition", report.confirmedPosition());
            if (report.lagBytes() < 0) {
                json.writeNullProperty("lagBytes");
            } else {
                json.writeNumberProperty("lagBytes", report.lagBytes());
            }
            if (report.lagTime() == null) {
                json.writeNullProperty("lagMillis");
            } else {
                json.writeNumberProperty("lagMillis", report.lagTime().toMillis());
            }
            json.writeBooleanProperty("stalled", report.stalled());
            json.writeNumberProperty("readyForMillis", report.readyFor().toMillis());
            json.writeArrayPropertyStart("tables");
            for (Table t : report.tables()) {
                json.writeStartObject();
                json.writeStringProperty("schema", t.schema());
                json.writeStringProperty("name", t.name());
                json.writeStringProperty("state", lower(t.state()));
                json.writeStringProperty("stateCode", String.valueOf(t.state().code()));
                write(json, "sourceRows", t.sourceRows());
                write(json, "targetRows", t.targetRows());
                if (t.rowDelta() == null) {
                    json.writeNullProperty("rowDelta");
                } else {
                    json.writeNumberProperty("rowDelta", t.rowDelta());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toString();
    }

    private static void write(JsonGenerator json, String name, RowCount count) {
        json.writeObjectPropertyStart(name);
        if (count.rows() < 0) {
            json.writeNullProperty("rows");
        } else {
            json.writeNumberProperty("rows", count.rows());
        }
        json.writeStringProperty("kind", lower(count.kind()));
        json.writeEndObject();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
