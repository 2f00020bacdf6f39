package io.pgrouter.internal.health;

/**
 * When the primary reached which WAL position, on this JVM's clock: the samples the primary's probes take.
 * It turns a replica's replay position into a lag in time that is right when the primary is idle (a replica that
 * replayed everything is 0 behind however long ago the last write was) and that never compares two servers'
 * clocks.
 *
 * <p>A sample is kept only when the position moved, so an idle primary fills nothing; a probe that finds the
 * position unchanged only moves the newest sample's "last seen" time. The ring holds the most recent
 * {@code capacity} moves; a replay position older than all of them is at least as old as the oldest.
 * Written by the monitor thread only; read by it too, so no synchronisation is needed.
 */
final class WalHistory {

    private final long[] lsns;
    private final long[] nanos;
    /** When the primary was last seen at each sample's position: until it moved on, or the newest probe. */
    private final long[] lastSeen;

    private int size;
    private int head; // index of the newest sample

    WalHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, was " + capacity);
        }
        lsns = new long[capacity];
        nanos = new long[capacity];
        lastSeen = new long[capacity];
        head = -1;
    }

    /** Records that the primary's position was {@code lsn} at {@code atNanos}. */
    void record(long lsn, long atNanos) {
        if (lsn < 0) {
            return;
        }
        if (size > 0) {
            long newest = lsns[head];
            if (lsn == newest) {
                lastSeen[head] = Math.max(lastSeen[head], atNanos);
                return;
            }
            if (lsn < newest) {
                // A new primary (after a promotion) or a restored one: earlier samples describe another history.
                clear();
            }
        }
        head = (head + 1) % lsns.length;
        lsns[head] = lsn;
        nanos[head] = atNanos;
        lastSeen[head] = atNanos;
        size = Math.min(size + 1, lsns.length);
    }

    void clear() {
        size = 0;
        head = -1;
    }

    /** The newest primary position known, or -1. */
    long latestLsn() {
        return size == 0 ? -1 : lsns[head];
    }

    /**
     * How long ago, at {@code nowNanos}, the primary first wrote WAL past {@code replayLsn}: the age of the oldest
     * change the replica has not applied. 0 when the replica is at or past the newest sample; -1 when nothing is
     * known. Between two samples the time is interpolated by position.
     */
    long millisBehind(long replayLsn, long nowNanos) {
        if (size == 0 || replayLsn < 0) {
            return -1;
        }
        if (replayLsn >= lsns[head]) {
            return 0;
        }
        // Walk from the newest sample back to the first one at or below replayLsn.
        int newer = head;
        for (int n = 1; n < size; n++) {
            int i = Math.floorMod(head - n, lsns.length);
            if (lsns[i] <= replayLsn) {
                double fraction = (double) (replayLsn - lsns[i]) / (lsns[newer] - lsns[i]);
                long reachedNanos = nanos[i] + (long) (fraction * (nanos[newer] - nanos[i]));
                return Math.max(0, (nowNanos - reachedNanos) / 1_000_000);
            }
            newer = i;
        }
        // Older than every sample kept: at least as old as the oldest.
        return Math.max(0, (nowNanos - nanos[newer]) / 1_000_000);
    }

    /**
     * A bound on how stale, at {@code nowNanos}, a replica that replayed up to {@code replayLsn} can be, which holds
     * whether or not the primary still answers: the primary was last seen at a position at or before
     * {@code replayLsn} at some time {@code t}, so every change made before {@code t} has been replayed, and the
     * oldest change the replica may miss is at most {@code now - t} old. For a replica that replayed everything
     * the primary last reported, {@code t} is the primary's last good probe. -1 when nothing bounds it (no
     * history, or a replay position older than every sample kept).
     */
    long stalenessBoundMillis(long replayLsn, long nowNanos) {
        if (size == 0 || replayLsn < 0) {
            return -1;
        }
        for (int n = 0; n < size; n++) {
            int i = Math.floorMod(head - n, lsns.length);
            if (lsns[i] <= replayLsn) {
                return Math.max(0, (nowNanos - lastSeen[i]) / 1_000_000);
            }
        }
        return -1;
    }
}
