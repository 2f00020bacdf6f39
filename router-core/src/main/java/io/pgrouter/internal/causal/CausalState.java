package io.pgrouter.internal.causal;

/**
 * What a causal session knows, immutable: the newest position it wrote or saw, and whether a commit is still
 * waiting for its position (probe mode).
 *
 * @param position the newest known position, {@code null} for none
 * @param pendingSinceNanos {@link System#nanoTime()} of the last commit whose position is not known yet (probe mode):
 *     a probe of the primary sent after it tells the position; meaningful only when {@code pending}
 * @param pending whether such a commit exists
 */
public record CausalState(WalPosition position, long pendingSinceNanos, boolean pending) {

    /** Knows nothing: reads route as without a session. */
    public static final CausalState EMPTY = new CausalState(null, 0, false);

    /** Whether the session asks nothing of a read. */
    public boolean isEmpty() {
        return position == null && !pending;
    }

    /** This state with {@code incoming}'s position merged in (see {@link WalPosition#newer}) and the later pending commit. */
    public CausalState merge(CausalState incoming) {
        if (incoming.isEmpty()) {
            return this;
        }
        WalPosition merged = position == null ? incoming.position : position.newer(incoming.position);
        boolean anyPending = pending || incoming.pending;
        long since = !pending
                ? incoming.pendingSinceNanos
                : !incoming.pending
                        ? pendingSinceNanos
                        : incoming.pendingSinceNanos - pendingSinceNanos > 0
                                ? incoming.pendingSinceNanos
                                : pendingSinceNanos;
        return new CausalState(merged, anyPending ? since : 0, anyPending);
    }

    /** This state with {@code newest} merged into the position. */
    public CausalState with(WalPosition newest) {
        WalPosition merged = position == null ? newest : position.newer(newest);
        return merged == position ? this : new CausalState(merged, pendingSinceNanos, pending);
    }

    /** This state with a commit at {@code nanos} whose position is not known yet. */
    public CausalState pendingAt(long nanos) {
        return merge(new CausalState(null, nanos, true));
    }

    /**
     * This state with the pending commit resolved by a primary probe sent at {@code probeStartedNanos} that found
     * {@code primaryPosition}: the probe covers the commit only if it was sent after it.
     */
    public CausalState resolve(WalPosition primaryPosition, long probeStartedNanos) {
        if (!pending || probeStartedNanos - pendingSinceNanos <= 0) {
            return this;
        }
        WalPosition merged = position == null ? primaryPosition : position.newer(primaryPosition);
        return new CausalState(merged, 0, false);
    }
}
