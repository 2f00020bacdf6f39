package io.pgrouter.internal.causal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The mutable heart of a {@link io.pgrouter.CausalSession}: one {@link CausalState} that many threads merge into
 * without locks. Every change is a merge, so concurrent updates never lose a newer position.
 */
public final class SessionCell {

    private final AtomicReference<CausalState> state;

    public SessionCell(CausalState initial) {
        state = new AtomicReference<>(initial);
    }

    /** What the session knows now. */
    public CausalState state() {
        return state.get();
    }

    /** Merges {@code incoming} in. */
    public void merge(CausalState incoming) {
        if (!incoming.isEmpty()) {
            update(s -> s.merge(incoming));
        }
    }

    /** Merges a position in. */
    public void merge(WalPosition position) {
        update(s -> s.with(position));
    }

    /** Applies {@code change}; it may run more than once under contention, so it must be pure. */
    public CausalState update(UnaryOperator<CausalState> change) {
        return state.updateAndGet(change);
    }
}
