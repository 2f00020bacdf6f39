package io.pgrouter.spring.actuate;

import static io.pgrouter.spring.actuate.RequestValues.apply;
import static io.pgrouter.spring.actuate.RequestValues.bool;
import static io.pgrouter.spring.actuate.RequestValues.duration;
import static io.pgrouter.spring.actuate.RequestValues.wholeNumber;

import io.pgrouter.SwitchoverOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The options of a switchover request to the endpoint, read from the request's values as text ({@link RequestValues}). */
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
        Long bytes = wholeNumber("maxLagBytes", value, "bytes");
        if (bytes != null) {
            apply("maxLagBytes", value, () -> builder.maxLagBytes(bytes));
        }
        return this;
    }

    /** The options; a combination that cannot work (drain not shorter than the pause) is a 400 saying why. */
    SwitchoverOptions build() {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw RequestValues.invalid(e);
        }
    }
}
