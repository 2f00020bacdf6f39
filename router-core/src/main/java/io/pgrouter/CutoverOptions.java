package io.pgrouter;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@linkplain RoutingDataSource#cutover cutover} runs; immutable. Start from {@link #defaults()} or
 * {@link #ofDryRun()}, change with {@link #toBuilder()}.
 *
 * @param dryRun only the checks and what would move: nothing changes
 * @param subscription the subscription on the target's primary, {@code null} for the only one in its database
 * @param maxPause how long writes may be held; the steps before the swap must end within three quarters of it
 * @param sequenceMargin how many increments past the source's last value the target's sequences are set
 * @param disableSubscription whether the subscription is disabled once the writes go to the target
 * @param retireTimeout how long the source cluster's pools wait for connections still in use before they close
 */
public record CutoverOptions(
        boolean dryRun,
        String subscription,
        Duration maxPause,
        long sequenceMargin,
        boolean disableSubscription,
        Duration retireTimeout) {

    /** Default {@link #maxPause()}. */
    public static final Duration DEFAULT_MAX_PAUSE = Duration.ofSeconds(5);
    /** Default {@link #sequenceMargin()}. */
    public static final long DEFAULT_SEQUENCE_MARGIN = 1000;
    /** Default {@link #retireTimeout()}. */
    public static final Duration DEFAULT_RETIRE_TIMEOUT = Duration.ofSeconds(30);

    public CutoverOptions {
        Objects.requireNonNull(maxPause, "maxPause");
        Objects.requireNonNull(retireTimeout, "retireTimeout");
        if (maxPause.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("maxPause must be at least 100 ms, was " + maxPause.toMillis() + " ms");
        }
        if (sequenceMargin < 0) {
            throw new IllegalArgumentException("sequenceMargin must be at least 0, was " + sequenceMargin);
        }
        if (retireTimeout.isNegative()) {
            throw new IllegalArgumentException("retireTimeout must be zero or positive, was " + retireTimeout);
        }
        if (subscription != null && subscription.isBlank()) {
            throw new IllegalArgumentException("subscription must not be blank, was '" + subscription + "'");
        }
    }

    /** A cutover with every default. */
    public static CutoverOptions defaults() {
        return new CutoverOptions(
                false, null, DEFAULT_MAX_PAUSE, DEFAULT_SEQUENCE_MARGIN, false, DEFAULT_RETIRE_TIMEOUT);
    }

    /** A dry run with every default. */
    public static CutoverOptions ofDryRun() {
        return defaults().toBuilder().dryRun(true).build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes options one by one; {@link #build()} checks them. */
    public static final class Builder {
        private boolean dryRun;
        private String subscription;
        private Duration maxPause;
        private long sequenceMargin;
        private boolean disableSubscription;
        private Duration retireTimeout;

        private Builder(CutoverOptions from) {
            dryRun = from.dryRun;
            subscription = from.subscription;
            maxPause = from.maxPause;
            sequenceMargin = from.sequenceMargin;
            disableSubscription = from.disableSubscription;
            retireTimeout = from.retireTimeout;
        }

        /** Whether only the checks run. */
        public Builder dryRun(boolean value) {
            dryRun = value;
            return this;
        }

        /** The subscription on the target; default the only one in its database. */
        public Builder subscription(String value) {
            subscription = value;
            return this;
        }

        /** How long writes may be held; default 5 s, at least 100 ms. */
        public Builder maxPause(Duration value) {
            maxPause = value;
            return this;
        }

        /** Increments past the source's last value for the target's sequences; default 1000. */
        public Builder sequenceMargin(long value) {
            sequenceMargin = value;
            return this;
        }

        /** Whether the subscription is disabled after the swap; default false. */
        public Builder disableSubscription(boolean value) {
            disableSubscription = value;
            return this;
        }

        /** How long the source's pools wait for connections still in use; default 30 s. */
        public Builder retireTimeout(Duration value) {
            retireTimeout = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the bad option and value */
        public CutoverOptions build() {
            return new CutoverOptions(
                    dryRun, subscription, maxPause, sequenceMargin, disableSubscription, retireTimeout);
        }
    }
}
