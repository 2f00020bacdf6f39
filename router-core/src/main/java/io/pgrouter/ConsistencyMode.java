package io.pgrouter;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the router learns the WAL position of a commit for read-your-writes ({@code pgrouter.consistency.mode}); see
 * {@code docs/consistency.md}.
 */
public enum ConsistencyMode {
    /**
     * After a commit on the primary (or the close of a connection that ran auto-commit statements) the router asks
     * the primary, on that connection, for its WAL insert position: one round trip per writing transaction; reads
     * right after a write can be served by any replica that has replayed it.
     */
    EXACT,
    /**
     * No extra round trip: a commit's position is the one the health monitor finds on the primary at its first
     * probe after the commit. Until that probe, the session's reads go to the primary.
     */
    PROBE;

    /** The name in configuration: {@code exact} or {@code probe}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode with this configuration name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the valid ones
     */
    public static ConsistencyMode of(String key) {
        for (ConsistencyMode mode : values()) {
            if (mode.key().equalsIgnoreCase(key == null ? "" : key.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("consistency mode must be one of " + keys() + ", was '" + key + "'");
    }

    /** Every configuration name. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(ConsistencyMode::key).toList();
    }
}
