package io.pgrouter.internal.config;

import io.pgrouter.ConsistencyMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Read-your-writes settings ({@code pgrouter.consistency.*}).
 *
 * @param mode how a commit's position is learned
 * @param maxWait how long a read with a position may wait for a replica to replay it before it goes to the primary;
 *     zero for no wait
 * @param monotonicReads whether a read also advances its session to the position of the node it read on, so that
 *     the session's next reads never see an older state
 */
public record ConsistencySettings(ConsistencyMode mode, Duration maxWait, boolean monotonicReads) {

    /** Default for {@code pgrouter.consistency.max-wait}: a replica a few transactions behind usually catches up. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(100);
    /** The longest wait allowed: a read should never hang on consistency for long. */
    public static final Duration LONGEST_MAX_WAIT = Duration.ofSeconds(30);

    public static final ConsistencySettings DEFAULTS =
            new ConsistencySettings(ConsistencyMode.EXACT, DEFAULT_MAX_WAIT, false);

    public ConsistencySettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(maxWait, "maxWait");
    }
}
