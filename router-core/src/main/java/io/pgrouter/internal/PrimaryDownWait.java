package io.pgrouter.internal;

import java.util.concurrent.TimeUnit;

/**
 * Lets a connection that must be on the primary, and finds it known down, wait a bounded time for the probe round
 * that may show a new one, instead of failing at once. The monitor learns of a promotion only at its next round: a
 * write attempted between the promotion and that round failed although a primary could take it (11 writes in 43 ms
 * in one fault-suite trial). A waiting connection asks for a round at once; the requests of all waiting connections
 * are coalesced by the monitor (one round at a time) and spaced here (one per probe timeout), so that a burst of
 * writes on a dead primary never makes a storm of probes.
 */
final class PrimaryDownWait {

    /** No wait: a connection fails as soon as it finds the primary down; for routers without a monitor (tests). */
    static final PrimaryDownWait NONE = new PrimaryDownWait(() -> {}, 0, 1);

    private final Runnable requestRound;
    private final long waitNanos;
    private final Throttle requests;

    /**
     * @param requestRound asks the monitor for a probe round as soon as possible
     * @param waitNanos how long a connection waits at most: one probe interval plus one probe timeout covers the
     *     round in progress and the one after it
     * @param requestSpacingNanos the least time between two requests (a round lasts at most the probe timeout)
     */
    PrimaryDownWait(Runnable requestRound, long waitNanos, long requestSpacingNanos) {
        this.requestRound = requestRound;
        this.waitNanos = waitNanos;
        this.requests = new Throttle(requestSpacingNanos);
    }

    /** How long a connection waits at most, in nanoseconds. */
    long waitNanos() {
        return waitNanos;
    }

    /**
     * Waits until a snapshot whose primary is not {@code seen}'s down primary any more (another node answers as the
     * primary, or the same one answers again), or until the wait is over.
     *
     * @return that snapshot, or {@code null} when the wait ended without one
     * @throws InterruptedException when the waiting thread is interrupted
     */
    TopologySnapshot await(Topology topology, TopologySnapshot seen) throws InterruptedException {
        if (waitNanos <= 0) {
            return null;
        }
        long deadline = System.nanoTime() + waitNanos;
        Node down = seen.primary().node();
        TopologySnapshot now = seen;
        while (true) {
            if (requests.tryPass(System.nanoTime())) {
                requestRound.run();
            }
            now = topology.awaitNewer(now, deadline);
            if (now.primary().node() != down || now.primary().downReason() == null) {
                return now;
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return "PrimaryDownWait[" + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms]";
    }
}
