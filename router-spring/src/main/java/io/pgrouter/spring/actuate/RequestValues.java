package io.pgrouter.spring.actuate;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.convert.DurationStyle;

/**
 * An operation request's values read from text, so that a bad one is a 400 naming the option and the value (the
 * actuator's own conversion would only say "Parameter mapping failure"). Shared by the switchover and cutover
 * requests.
 */
final class RequestValues {

    private RequestValues() {}

    /** Runs {@code set}; the option's own check failing is a 400 naming the option and the value. */
    static void apply(String name, String value, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            String reason = name + " '" + value + "': " + e.getMessage();
            throw new InvalidEndpointRequestException(reason, reason);
        }
    }

    static @Nullable Duration duration(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, "a duration such as 5s, 500ms or PT5S");
        }
    }

    static @Nullable Boolean bool(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw invalid(name, value, "true or false");
        };
    }

    static @Nullable Long wholeNumber(String name, @Nullable String value, String unit) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a whole number of " + unit);
        }
    }

    /** A cross-option check of the options' {@code build()} failing: a 400 saying why. */
    static InvalidEndpointRequestException invalid(IllegalArgumentException e) {
        return new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }

    static InvalidEndpointRequestException invalid(String name, String value, String expected) {
        String reason = name + " must be " + expected + ", was '" + value + "'";
        return new InvalidEndpointRequestException(reason, reason);
    }
}
