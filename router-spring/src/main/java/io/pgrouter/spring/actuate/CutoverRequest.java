package io.pgrouter.spring.actuate;

import static io.pgrouter.spring.actuate.RequestValues.apply;
import static io.pgrouter.spring.actuate.RequestValues.bool;
import static io.pgrouter.spring.actuate.RequestValues.duration;
import static io.pgrouter.spring.actuate.RequestValues.wholeNumber;

import io.pgrouter.CutoverOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The options of a cutover request to the endpoint, read from the request's values as text ({@link RequestValues}). */
final class CutoverRequest {

    private final CutoverOptions.Builder builder = CutoverOptions.defaults().toBuilder();

    private CutoverRequest() {}

    /** Starts from the defaults; a dry run unless {@code dryRun} is {@code false}. */
    static CutoverRequest of(@Nullable String dryRun) {
        CutoverRequest request = new CutoverRequest();
        Boolean value = bool("dryRun", dryRun);
        request.builder.dryRun(value == null || value);
        return request;
    }

    CutoverRequest subscription(@Nullable String value) {
        if (value != null) {
            apply("subscription", value, () -> builder.subscription(value));
        }
        return this;
    }

    CutoverRequest maxPause(@Nullable String value) {
        Duration d = duration("maxPause", value);
        if (d != null) {
            apply("maxPause", value, () -> builder.maxPause(d));
        }
        return this;
    }

    CutoverRequest sequenceMargin(@Nullable String value) {
        Long margin = wholeNumber("sequenceMargin", value, "increments");
        if (margin != null) {
            apply("sequenceMargin", value, () -> builder.sequenceMargin(margin));
        }
        return this;
    }

    CutoverRequest disableSubscription(@Nullable String value) {
        Boolean b = bool("disableSubscription", value);
        if (b != null) {
            builder.disableSubscription(b);
        }
        return this;
    }

    CutoverRequest retireTimeout(@Nullable String value) {
        Duration d = duration("retireTimeout", value);
        if (d != null) {
            apply("retireTimeout", value, () -> builder.retireTimeout(d));
        }
        return this;
    }

    /** The options; a value the options refuse (a pause under 100 ms, a negative margin) is a 400 naming it. */
    CutoverOptions build() {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw RequestValues.invalid(e);
        }
    }
}
