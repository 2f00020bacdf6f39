package io.pgrouter.spring.actuate;

import io.pgrouter.SwitchoverOptions;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.convert.DurationStyle;

/**
 * The options of a switchover request to the endpoint, read from the request's values as text, so that a bad one is
 * a 400 naming the option and the value (the actuator's own conversion would only say "Parameter mapping failure").
 */
final class SwitchoverRequest {

    private final SwitchoverOptions.Builder builder = SwitchoverOptions.custom();

    private SwitchoverRequest() {}

    /** Starts from the defaults; a dry run unless {@code dryRun} is {@code false}. */
    static SwitchoverRequest of(@Nullable String dryRun) {
        SwitchoverRequest request = new SwitchoverRequest();
        Boolean value = bool("dryRun", dryRun);
        request.builder.dryRun(value == null || value);
        return request;
    }

    SwitchoverRequest maxPause(@Nullable String value) {
        Duration d = duration("maxPause", value);
        if (d != null) {
            apply("maxPause", value, () -> builder.maxPause(d));
        }
        return this;
    }

    SwitchoverRequest drainTimeout(@Nullable String value) {
        Duration d = duration("drainTimeout", value);
        if (d != null) {
            apply("drainTimeout", value, () -> builder.drainTimeout(d));
        }
        return this;
    }

    SwitchoverRequest promoteTimeout(@Nullable String value) {
        Duration d = duration("promoteTimeout", value);
        if (d != null) {
            apply("promoteTimeout", value, () -> builder.promoteTimeout(d));
        }
        return this;
    }

    SwitchoverRequest cancelAfterDrain(@Nullable String value) {
        Boolean b = bool("cancelAfterDrain", value);
        if (b != null) {
            builder.cancelAfterDrain(b);
        }
        return this;
    }

    SwitchoverRequest externalPromoter(@Nullable String value) {
        Boolean b = bool("externalPromoter", value);
        if (b != null) {
            builder.externalPromoter(b);
        }
        return this;
    }

    SwitchoverRequest maxLagBytes(@Nullable String value) {
        if (value != null) {
            long bytes;
            try {
                bytes = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw invalid("maxLagBytes", value, "a whole number of bytes");
            }
            apply("maxLagBytes", value, () -> builder.maxLagBytes(bytes));
        }
        return this;
    }

    /** The options; a combination that cannot work (drain not shorter than the pause) is a 400 saying why. */
    SwitchoverOptions build() {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
    }

    private static void apply(String name, String value, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            String reason = name + " '" + value + "': " + e.getMessage();
            throw new InvalidEndpointRequestException(reason, reason);
        }
    }

    private static @Nullable Duration duration(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, "a duration such as 5s, 500ms or PT5S");
        }
    }

    private static @Nullable Boolean bool(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw invalid(name, value, "true or false");
        };
    }

    private static InvalidEndpointRequestException invalid(String name, String value, String expected) {
        String reason = name + " must be " + expected + ", was '" + value + "'";
        return new InvalidEndpointRequestException(reason, reason);
    }
}
