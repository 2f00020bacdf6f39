package io.pgrouter.internal;

import java.util.Locale;

/** What an operator decided about a node, independent of its health. */
public enum OperatorState {
    /** In rotation. */
    ACTIVE,
    /** Takes no new reads; connections already on it finish normally. */
    DRAINED;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
