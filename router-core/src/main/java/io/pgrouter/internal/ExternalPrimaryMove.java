package io.pgrouter.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * Holds this router's writes while something outside pgrouter moves the primary (a Patroni switchover, an operator's
 * script): closes the write gate, lets the write connections running on the primary finish, runs the move, waits
 * until the probes find another node answering as the primary, then opens the gate. Held writes wait and then go to
 * the new primary instead of failing on the old one while it stops. Every wait is bounded by {@code maxPause}.
 */
final class ExternalPrimaryMove {

    private static final Logger LOG = RouterLog.LOG;
    /** How often the waits look again; the probe rounds they wait for are the real pace. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private ExternalPrimaryMove() {}

    static <T> T run(RouterRuntime runtime, Duration maxPause, Callable<T> move) throws Exception {
        if (maxPause.isNegative() || maxPause.isZero()) {
            throw new IllegalArgumentException("maxPause must be positive, was " + maxPause);
        }
        ConnectionRouter router = runtime.router();
        String id = "external-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        Node from = router.topology().current().primary().node();
        long closedAt = System.nanoTime();
        long deadline = closedAt + maxPause.toNanos();
        WriteGate.Closure closure = router.writeGate().close(id, "the next primary", deadline);
        try {
            closure.step("DRAIN");
            from.redirectWaiters("move " + id + " of the primary holds writes");
            // Half the pause at most for the running writes: the move itself needs the rest.
            long drainEnd = closedAt + maxPause.toNanos() / 2;
            while (from.inFlight() > 0 && System.nanoTime() - drainEnd < 0) {
                LockSupport.parkNanos(POLL_NANOS);
            }
            LOG.info(
                    "Move {} of the primary: writes held, {} connection(s) still on '{}'; running the move",
                    id,
                    from.inFlight(),
                    from.name());
            closure.step("MOVE");
            T result = move.call();
            closure.step("AWAIT_NEW_PRIMARY");
            while (!movedAway(router, from) && System.nanoTime() - deadline < 0) {
                runtime.probeNow();
                LockSupport.parkNanos(POLL_NANOS);
            }
            TopologySnapshot now = router.topology().current();
            if (movedAway(router, from)) {
                LOG.info(
                        "Move {} of the primary: writes go to '{}' now, {} ms after they were held",
                        id,
                        now.primary().name(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt));
            } else {
                LOG.warn(
                        "Move {} of the primary: '{}' is still the primary after max-pause {} ms; writes released",
                        id,
                        from.name(),
                        maxPause.toMillis());
            }
            return result;
        } finally {
            router.writeGate().open(closure);
        }
    }

    /** Whether another node than {@code from} is the primary and answered its last probe as one. */
    private static boolean movedAway(ConnectionRouter router, Node from) {
        NodeState primary = router.topology().current().primary();
        return primary.node() != from && primary.health().inRotation();
    }
}
