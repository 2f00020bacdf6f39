package io.pgrouter.internal.cutover;

import io.pgrouter.CutoverStatus;
import java.io.StringWriter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON form of {@link CutoverStatus}, the {@code cutover} object of the router's status: the readiness report and
 * the last cutover's report embedded as their own JSON ({@link ReadinessJson}, {@link CutoverReportJson}), so that
 * each shape has one writer.
 */
public final class CutoverStatusJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private CutoverStatusJson() {}

    /** {@code status} as one JSON object. */
    public static String of(CutoverStatus status) {
        StringWriter out = new StringWriter(2048);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringProperty("target", status.target());
            json.writeArrayPropertyStart("targetNodes");
            for (String node : status.targetNodes()) {
                json.writeString(node);
            }
            json.writeEndArray();
            json.writeBooleanProperty("pending", status.pending());
            json.writeNumberProperty(
                    "checkIntervalMillis", status.checkInterval().toMillis());
            json.writeName("readiness");
            if (status.readiness() == null) {
                json.writeNull();
            } else {
                json.writeRawValue(ReadinessJson.of(status.readiness()));
            }
            json.writeName("lastCutover");
            if (status.lastCutover() == null) {
                json.writeNull();
            } else {
                json.writeRawValue(CutoverReportJson.of(status.lastCutover()));
            }
            json.writeEndObject();
        }
        return out.toString();
    }
}
