package io.pgrouter;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@linkplain RoutingDataSource#switchover switchover} runs; immutable. Start from {@link #ofDefaults()} or
 * {@link #custom()}; every setter rejects a bad value at once, naming the option. The options are documented in
 * {@code docs/switchover.md}.
 */
public final class SwitchoverOptions {

    private final boolean dryRun;
    private final Duration maxPause;
    private final Duration drainTimeout;
    private final boolean cancelAfterDrain;
    private final long maxLagBytes;
    private final Duration signalWait;
    private final boolean externalPromoter;
    private final Duration promoteTimeout;
    private final Consumer<SwitchoverStep> progress;

    private SwitchoverOptions(Builder b) {
        this.dryRun = b.dryRun;
        this.maxPause = b.maxPause;
        this.drainTimeout = b.drainTimeout;
        this.cancelAfterDrain = b.cancelAfterDrain;
        this.maxLagBytes = b.maxLagBytes;
        this.signalWait = b.signalWait;
        this.externalPromoter = b.externalPromoter;
        this.promoteTimeout = b.promoteTimeout;
        this.progress = b.progress;
    }

    /** The defaults: a real switchover, {@code max-pause} 5 s, drain 2 s, lag at most 16 MiB, promote by pgrouter. */
    public static SwitchoverOptions ofDefaults() {
        return custom().build();
    }

    /** The defaults as a dry run: every check and estimate, no change on any server. */
    public static SwitchoverOptions dryRunOfDefaults() {
        return custom().dryRun(true).build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Whether only the checks and estimates run. */
    public boolean dryRun() {
        return dryRun;
    }

    /** The longest a write is held; every step before the promotion must fit in it, or the switchover aborts. */
    public Duration maxPause() {
        return maxPause;
    }

    /** How long write transactions already running get to finish. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** Whether transactions still running after the drain are ended by the fence (else the switchover aborts). */
    public boolean cancelAfterDrain() {
        return cancelAfterDrain;
    }

    /** The most the target may lag behind the primary, in bytes of WAL, when the switchover starts. */
    public long maxLagBytes() {
        return maxLagBytes;
    }

    /**
     * How long the other routers get to see the announcement before the old primary is fenced; {@code null}: twice
     * this router's probe interval.
     */
    public Duration signalWait() {
        return signalWait;
    }

    /** Whether something else (Patroni, an operator) promotes the target; pgrouter then waits for it. */
    public boolean externalPromoter() {
        return externalPromoter;
    }

    /** How long the promotion may take. */
    public Duration promoteTimeout() {
        return promoteTimeout;
    }

    /** Told of each step as it starts, on the thread running the switchover. */
    public Consumer<SwitchoverStep> progress() {
        return progress;
    }

    @Override
    public String toString() {
        return "SwitchoverOptions[dryRun=" + dryRun + ", maxPause=" + maxPause.toMillis() + "ms, drainTimeout="
                + drainTimeout.toMillis() + "ms, cancelAfterDrain=" + cancelAfterDrain + ", maxLagBytes=" + maxLagBytes
                + ", signalWait=" + (signalWait == null ? "2 probe intervals" : signalWait.toMillis() + "ms")
                + ", externalPromoter=" + externalPromoter + ", promoteTimeout=" + promoteTimeout.toMillis() + "ms]";
    }

    /** Builds {@link SwitchoverOptions}. */
    public static final class Builder {
        private boolean dryRun;
        private Duration maxPause = Duration.ofSeconds(5);
        private Duration drainTimeout = Duration.ofSeconds(2);
        private boolean cancelAfterDrain;
        private long maxLagBytes = 16L * 1024 * 1024;
        private Duration signalWait;
        private boolean externalPromoter;
        private Duration promoteTimeout = Duration.ofSeconds(30);
        private Consumer<SwitchoverStep> progress = step -> {};

        private Builder() {}

        /** Only checks and estimates; default false. */
        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        /** The longest a write is held (default 5 s); must be positive. */
        public Builder maxPause(Duration value) {
            this.maxPause = positive("max-pause", value);
            return this;
        }

        /** How long running write transactions get to finish (default 2 s); zero or more. */
        public Builder drainTimeout(Duration value) {
            Objects.requireNonNull(value, "drain-timeout");
            if (value.isNegative()) {
                throw new IllegalArgumentException("drain-timeout must be zero or more, was " + value);
            }
            this.drainTimeout = value;
            return this;
        }

        /** End transactions still running after the drain instead of aborting; default false. */
        public Builder cancelAfterDrain(boolean value) {
            this.cancelAfterDrain = value;
            return this;
        }

        /** The most the target may lag, in bytes (default 16 MiB); zero or more. */
        public Builder maxLagBytes(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("max-lag-bytes must be zero or more, was " + value);
            }
            this.maxLagBytes = value;
            return this;
        }

        /** How long other routers get to see the announcement (default: twice the probe interval); zero or more. */
        public Builder signalWait(Duration value) {
            Objects.requireNonNull(value, "signal-wait");
            if (value.isNegative()) {
                throw new IllegalArgumentException("signal-wait must be zero or more, was " + value);
            }
            this.signalWait = value;
            return this;
        }

        /** Wait for an external promoter instead of calling {@code pg_promote}; default false. */
        public Builder externalPromoter(boolean value) {
            this.externalPromoter = value;
            return this;
        }

        /** How long the promotion may take (default 30 s); must be positive. */
        public Builder promoteTimeout(Duration value) {
            this.promoteTimeout = positive("promote-timeout", value);
            return this;
        }

        /** Told of each step as it starts; must be quick. */
        public Builder progress(Consumer<SwitchoverStep> value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        public SwitchoverOptions build() {
            if (drainTimeout.compareTo(maxPause) >= 0) {
                throw new IllegalArgumentException(
                        "drain-timeout (" + drainTimeout.toMillis() + " ms) must be shorter than max-pause ("
                                + maxPause.toMillis() + " ms): the drain runs while writes are held");
            }
            return new SwitchoverOptions(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
