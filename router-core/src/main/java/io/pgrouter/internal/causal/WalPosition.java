package io.pgrouter.internal.causal;

/**
 * A point in one cluster's WAL history: a WAL byte position on a timeline of the cluster with this system
 * identifier. LSNs of two timelines (or two clusters) cannot be compared by their numbers alone, which is why a
 * causal position carries all three.
 *
 * @param systemIdentifier the cluster's {@code pg_control_system().system_identifier}; 0 when it could not be read
 * @param timeline the timeline the position was written on, at least 1
 * @param lsn the WAL byte position ({@code pg_lsn} as an unsigned number)
 */
public record WalPosition(long systemIdentifier, long timeline, long lsn) {

    public WalPosition {
        if (timeline < 1 || timeline > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timeline must be 1 to 4294967295, was " + timeline);
        }
    }

    /**
     * The newer of this position and {@code incoming}: on one cluster the higher timeline (the newer history), on
     * one timeline the higher LSN. Positions of two clusters do not compare: {@code incoming} wins, since the
     * position learned last tells which cluster the work now runs on. An unknown identifier (0) matches any.
     */
    public WalPosition newer(WalPosition incoming) {
        if (incoming == null) {
            return this;
        }
        if (!sameSystem(incoming.systemIdentifier)) {
            return incoming;
        }
        if (incoming.timeline != timeline) {
            return incoming.timeline > timeline ? incoming : this;
        }
        // Unsigned: an LSN is a 64-bit unsigned number.
        return Long.compareUnsigned(incoming.lsn, lsn) > 0 ? incoming : this;
    }

    /** Whether a node of the cluster {@code otherSystem} (0: unknown) may belong to this position's cluster. */
    public boolean sameSystem(long otherSystem) {
        return systemIdentifier == 0 || otherSystem == 0 || systemIdentifier == otherSystem;
    }

    /** Whether a node that replayed up to {@code replayLsn} on {@code nodeTimeline} has replayed this position. */
    public boolean reachedBy(long nodeTimeline, long replayLsn) {
        return nodeTimeline == timeline && replayLsn >= 0 && Long.compareUnsigned(replayLsn, lsn) >= 0;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(systemIdentifier) + "/" + timeline + "/" + lsnText(lsn);
    }

    /** PostgreSQL's text form of an LSN, {@code 16/B374D848}. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
    }
}
