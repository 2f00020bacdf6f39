package io.pgrouter;

import java.time.Duration;
import java.util.Objects;

/**
 * HikariCP settings for the pools of one role (the primary's pool, or each replica's pool). Immutable.
 *
 * <pre>{@code
 * PoolSettings replicas = PoolSettings.custom().maximumPoolSize(20).connectionTimeout(Duration.ofSeconds(2)).build();
 * }</pre>
 *
 * <p>Values are checked when the router is built, where errors can name the property key
 * ({@code pgrouter.pool.replica.maximum-pool-size}) rather than only the setter.
 *
 * @param maximumPoolSize the most connections the pool holds (HikariCP {@code maximumPoolSize})
 * @param minimumIdle idle connections the pool keeps ready (HikariCP {@code minimumIdle})
 * @param connectionTimeout how long a caller waits for a connection before the pool gives up
 * @param maxLifetime how long a connection lives before it is replaced; {@link Duration#ZERO} for no limit
 * @param idleTimeout how long a connection above {@code minimumIdle} may sit idle; zero for never retired
 * @param leakDetectionThreshold how long a connection may be held before a possible leak is logged; zero for off
 */
public record PoolSettings(
        int maximumPoolSize,
        int minimumIdle,
        Duration connectionTimeout,
        Duration maxLifetime,
        Duration idleTimeout,
        Duration leakDetectionThreshold) {

    /** The primary's defaults: 10 connections at most, 2 kept idle, callers wait up to 30 s. */
    public static final PoolSettings PRIMARY_DEFAULTS = new PoolSettings(
            10, 2, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ZERO);

    /**
     * A replica's defaults: as the primary's, but callers wait at most 5 s. A replica that cannot give a
     * connection is skipped for the next candidate (in the end the primary), so a long wait there only delays a
     * read that another node could serve at once.
     */
    public static final PoolSettings REPLICA_DEFAULTS = new PoolSettings(
            10, 2, Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ZERO);

    /** Rejects a missing duration, naming it. */
    public PoolSettings {
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(leakDetectionThreshold, "leakDetectionThreshold");
    }

    /** A builder starting from the {@linkplain #PRIMARY_DEFAULTS primary's defaults}. */
    public static Builder custom() {
        return new Builder(PRIMARY_DEFAULTS);
    }

    /** A builder starting from {@code base}. */
    public static Builder from(PoolSettings base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** Builds {@link PoolSettings}; every setter returns the builder. */
    public static final class Builder {
        private int maximumPoolSize;
        private int minimumIdle;
        private Duration connectionTimeout;
        private Duration maxLifetime;
        private Duration idleTimeout;
        private Duration leakDetectionThreshold;
        private boolean idleTimeoutSet;

        private Builder(PoolSettings base) {
            maximumPoolSize = base.maximumPoolSize;
            minimumIdle = base.minimumIdle;
            connectionTimeout = base.connectionTimeout;
            maxLifetime = base.maxLifetime;
            idleTimeout = base.idleTimeout;
            leakDetectionThreshold = base.leakDetectionThreshold;
        }

        /** See {@link PoolSettings#maximumPoolSize()}. */
        public Builder maximumPoolSize(int value) {
            maximumPoolSize = value;
            return this;
        }

        /** See {@link PoolSettings#minimumIdle()}. */
        public Builder minimumIdle(int value) {
            minimumIdle = value;
            return this;
        }

        /** See {@link PoolSettings#connectionTimeout()}. */
        public Builder connectionTimeout(Duration value) {
            connectionTimeout = Objects.requireNonNull(value, "connectionTimeout");
            return this;
        }

        /** See {@link PoolSettings#maxLifetime()}. */
        public Builder maxLifetime(Duration value) {
            maxLifetime = Objects.requireNonNull(value, "maxLifetime");
            return this;
        }

        /**
         * See {@link PoolSettings#idleTimeout()}. Left unset, it is the base settings' value, or half the max
         * lifetime when that is not longer: a short lifetime alone must not make the default idle timeout invalid.
         */
        public Builder idleTimeout(Duration value) {
            idleTimeout = Objects.requireNonNull(value, "idleTimeout");
            idleTimeoutSet = true;
            return this;
        }

        /** See {@link PoolSettings#leakDetectionThreshold()}. */
        public Builder leakDetectionThreshold(Duration value) {
            leakDetectionThreshold = Objects.requireNonNull(value, "leakDetectionThreshold");
            return this;
        }

        /** The settings; they are validated when the router is built. */
        public PoolSettings build() {
            Duration idle = idleTimeout;
            if (!idleTimeoutSet
                    && !maxLifetime.isZero()
                    && !maxLifetime.isNegative()
                    && idle.compareTo(maxLifetime) >= 0) {
                idle = maxLifetime.dividedBy(2);
            }
            return new PoolSettings(
                    maximumPoolSize, minimumIdle, connectionTimeout, maxLifetime, idle, leakDetectionThreshold);
        }
    }
}
