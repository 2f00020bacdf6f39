package io.pgrouter.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Holds the current {@link TopologySnapshot}. The routing path reads it with one volatile load; writers (the
 * feature flag, operator actions, later the health monitor) publish whole new snapshots.
 */
public final class Topology {

    private final AtomicReference<TopologySnapshot> current;

    public Topology(TopologySnapshot initial) {
        current = new AtomicReference<>(initial);
    }

    /** The snapshot now. */
    public TopologySnapshot current() {
        return current.get();
    }

    /** Applies {@code change} atomically; it may run more than once under contention, so keep it pure. */
    public TopologySnapshot update(UnaryOperator<TopologySnapshot> change) {
        return current.updateAndGet(change);
    }
}
