package io.pgrouter.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Holds the current {@link TopologySnapshot}. The routing path reads it with one volatile load; writers (the
 * feature flag, operator actions, later the health monitor) publish whole new snapshots.
 */
public final class Topology {

    private final AtomicReference<TopologySnapshot> current;
    // Notified at every publication, for the few that wait for news (a write that found the primary down); the routing
    // path never takes it.
    private final Object published = new Object();

    public Topology(TopologySnapshot initial) {
        current = new AtomicReference<>(initial);
    }

    /** The snapshot now. */
    public TopologySnapshot current() {
        return current.get();
    }

    /** Applies {@code change} atomically; it may run more than once under contention, so keep it pure. */
    public TopologySnapshot update(UnaryOperator<TopologySnapshot> change) {
        TopologySnapshot next = current.updateAndGet(change);
        synchronized (published) {
            published.notifyAll();
        }
        return next;
    }

    /**
     * Waits until a snapshot other than {@code seen} is published, or until {@code deadlineNanos}
     * ({@link System#nanoTime()}).
     *
     * @return the snapshot now (still {@code seen} when the deadline passed)
     */
    TopologySnapshot awaitNewer(TopologySnapshot seen, long deadlineNanos) throws InterruptedException {
        synchronized (published) {
            TopologySnapshot now;
            while ((now = current.get()) == seen) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(published, left);
            }
            return now;
        }
    }
}
