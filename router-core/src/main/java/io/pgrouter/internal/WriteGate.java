package io.pgrouter.internal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds new connections to the primary while the primary is being moved (a switchover, here or in another router
 * of the same cluster). Reads routed to replicas never meet it. A held connection waits until the gate opens, then
 * routes again on the newest snapshot, so it lands on whatever the primary is by then; it waits at most until the
 * closure's deadline (its {@code max-pause}), then fails with an error naming the switchover and its step.
 *
 * <p>Open, the gate costs the connection path one volatile read. Closed, the waits are the slow path: they allocate
 * and record how long each write was held, for the switchover's report.
 */
public final class WriteGate {

    /** Who closed the gate: a switchover run by this router, or the signal of one run elsewhere. */
    public enum Origin {
        /** A switchover started through this router. */
        LOCAL,
        /** A switchover signalled on the primary by another router or an operator. */
        SIGNAL
    }

    private volatile Closure closure;
    /**
     * The switchover or cutover run through this router last; guarded by this. Its own announcement, read back from
     * the primary by a probe or heard as a notice after its gate opened, is not another router's: following it would
     * hold this router's writes for a move that is already over (a demo run failed 8 writes so, after a cutover).
     */
    private String localSwitchover;
    /** Set once the router handed its connections to another cluster's, or closed; guarded by this. */
    private boolean retired;

    /** Whether new connections to the primary go ahead now. */
    public boolean isOpen() {
        return closure == null;
    }

    /** The closure in force, or {@code null} when the gate is open. */
    public Closure closure() {
        return closure;
    }

    /**
     * Closes the gate for a switchover run by this router; a closure made from another router's signal for the same
     * move is taken over (its waiters stay held). Returns the closure, to be given back to {@link #open(Closure)}.
     *
     * @param deadlineNanos {@link System#nanoTime()} after which held connections fail
     */
    public synchronized Closure close(String switchover, String target, long deadlineNanos) {
        Closure previous = closure;
        localSwitchover = switchover;
        Closure next = new Closure(Origin.LOCAL, switchover, target, deadlineNanos, previous);
        closure = next;
        if (previous != null) {
            previous.released.countDown(); // its waiters move on to the new closure and keep their start time
        }
        return next;
    }

    /** Opens the gate if {@code closing} is still the closure in force; held connections route again. */
    public synchronized void open(Closure closing) {
        if (closure == closing) {
            closure = null;
        }
        closing.opened(System.nanoTime());
        closing.released.countDown();
    }

    /**
     * Follows the switchover signal found on the primary by a probe round: closes the gate while another router's
     * switchover is in progress, opens it when a primary that answered carries no signal (the switchover ended, or
     * the new primary took over) or the deadline passed. A closure of this router's own switchover is left alone.
     *
     * <p>No signal from a primary that did not answer as one is no news: the old primary may be stopped or rejoined
     * as a standby while this router's probe of the new one timed out. Writes released then would go to a server
     * that refuses them, so they stay held until a primary answers without a signal, or until the deadline.
     *
     * <p>Nor does a probe sent before the gate closed end it: a hold heard as a notice
     * ({@link SwitchoverNotices}) can come before the round whose probe predates the announcement. A hold heard as a
     * notice ends only once confirmed: a probe read the announcement, or the {@linkplain #overHeard over notice}
     * came. Under load a follower's probe round right after the notice read no announcement on the same primary
     * (SwitchoverIT, twice in one run): without this, it released its writes before the fence, and 4 failed there
     * with 25006.
     *
     * @param switchover the signalled switchover's id, {@code null} when there is none
     * @param target the node it moves the primary to
     * @param deadlineNanos when its writes stop being held, on this JVM's clock
     * @param primaryAnswered whether the node taken as primary answered the probe as a writable primary
     * @param probedAtNanos when that probe was sent, on this JVM's clock
     * @return whether the gate closed just now
     */
    public synchronized boolean follow(
            String switchover, String target, long deadlineNanos, boolean primaryAnswered, long probedAtNanos) {
        Closure c = closure;
        if (c != null && c.origin == Origin.LOCAL || ignored(switchover)) {
            return false;
        }
        if (c != null && switchover != null && c.switchover.equals(switchover)) {
            c.confirmed = true;
        }
        if (switchover == null
                && c != null
                && (!primaryAnswered || probedAtNanos - c.closedAtNanos < 0 || !c.confirmed)
                && c.deadlineNanos - System.nanoTime() > 0) {
            return false;
        }
        boolean active = switchover != null && deadlineNanos - System.nanoTime() > 0;
        if (!active) {
            if (c != null) {
                open(c);
                PauseStats stats = c.stats();
                RouterLog.LOG.info(
                        "Writes released: switchover {} to '{}' signalled on the primary is over; {} write(s) held,"
                                + " longest {} ms, {} failed",
                        c.switchover,
                        c.target,
                        stats.waited(),
                        stats.maxNanos() / 1_000_000,
                        stats.failed());
            }
            return false;
        }
        return holdSignalled(switchover, target, deadlineNanos, true);
    }

    /**
     * Closes the gate for a switchover heard as a notice ({@link SwitchoverNotices}): as a signal found by a probe,
     * but unconfirmed (see {@link #follow}).
     *
     * @return whether the gate closed just now
     */
    public synchronized boolean holdNotified(String switchover, String target, long deadlineNanos) {
        Closure c = closure;
        if (c != null && c.origin == Origin.LOCAL || ignored(switchover) || deadlineNanos - System.nanoTime() <= 0) {
            return false;
        }
        return holdSignalled(switchover, target, deadlineNanos, false);
    }

    /** Whether a signal of {@code switchover} is none of this gate's business: its own, or the gate is retired. */
    private boolean ignored(String switchover) {
        return retired || switchover != null && switchover.equals(localSwitchover);
    }

    /**
     * The router no longer serves new connections itself (a cutover handed them to another cluster's router, or it
     * closed): no signal closes this gate from now on, and writes held by a signal are let go, to route again where
     * their connection now belongs. A closure of this router's own switchover or cutover stays until it opens it.
     */
    public synchronized void retire() {
        retired = true;
        Closure c = closure;
        if (c != null && c.origin == Origin.SIGNAL) {
            open(c);
        }
    }

    private boolean holdSignalled(String switchover, String target, long deadlineNanos, boolean confirmed) {
        Closure c = closure;
        if (c == null || !c.switchover.equals(switchover)) {
            RouterLog.LOG.info("Writes held: switchover {} to '{}' is signalled on the primary", switchover, target);
            closure = new Closure(Origin.SIGNAL, switchover, target, deadlineNanos, c);
            closure.confirmed = confirmed;
            if (c != null) {
                c.released.countDown();
            }
            return c == null;
        }
        return false;
    }

    /** Whether this router holds its writes for {@code switchover} and a probe read its announcement. */
    public synchronized boolean holdConfirmed(String switchover) {
        Closure c = closure;
        return c != null && c.switchover.equals(switchover) && (c.origin == Origin.LOCAL || c.confirmed);
    }

    /**
     * The router that ran switchover {@code switchover} says it is over (the route moved, or it rolled back): a hold
     * of it heard as a notice may end at the next probe that finds a primary without the announcement.
     */
    public synchronized void overHeard(String switchover) {
        Closure c = closure;
        if (c != null && c.origin == Origin.SIGNAL && c.switchover.equals(switchover)) {
            c.confirmed = true;
        }
    }

    /**
     * Waits while the gate is closed; returns at once when it is open. The caller then routes again on the newest
     * snapshot.
     *
     * @throws SQLTransientConnectionException (SQLSTATE 08001) when the closure's deadline passes first, naming the
     *     switchover and its step
     * @throws SQLException (SQLSTATE 08001) when the thread is interrupted while held
     */
    void awaitOpen() throws SQLException {
        Closure c = closure;
        if (c == null) {
            return;
        }
        long started = System.nanoTime();
        c.arrived(started);
        // A failure is counted by the newest closure waited on: one that takes over another copies its counts first.
        Closure last = c;
        while (c != null) {
            last = c;
            long left = c.deadlineNanos - System.nanoTime();
            if (left <= 0) {
                last.recordFailed(started);
                throw new SQLTransientConnectionException(
                        "Write not started: switchover " + c.switchover + " to '"
                                + c.target + "' held it " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                                + " ms, up to its max-pause, and was still at step " + c.step + " ("
                                + c.origin.name().toLowerCase(java.util.Locale.ROOT) + ")",
                        "08001");
            }
            try {
                c.released.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last.recordFailed(started);
                throw new SQLException(
                        "Interrupted while the write was held for switchover " + c.switchover, "08001", e);
            }
            c = closure;
        }
    }

    /** One closing of the gate: why, until when, and how the writes it held fared. */
    public static final class Closure {
        private final Origin origin;
        private final String switchover;
        private final String target;
        private final long deadlineNanos;
        private final long closedAtNanos = System.nanoTime();
        /** Whether a probe read the signal, or the over notice came; guarded by the gate. */
        private boolean confirmed;

        private final CountDownLatch released = new CountDownLatch(1);
        private volatile String step = "started";
        // Guarded by this; the slow path only. A write's wait is known when the gate opens: from its arrival to then.
        private long[] arrivals = new long[64];
        private int arrived;
        private int failed;
        private long openedNanos;

        private Closure(Origin origin, String switchover, String target, long deadlineNanos, Closure takenOver) {
            this.origin = origin;
            this.switchover = switchover;
            this.target = target;
            this.deadlineNanos = deadlineNanos;
            if (takenOver != null) {
                takenOver.copyInto(this);
            }
        }

        public Origin origin() {
            return origin;
        }

        public String switchover() {
            return switchover;
        }

        /** Names the step in progress, for the error a held write gets at the deadline. */
        public void step(String name) {
            step = name;
        }

        private synchronized void arrived(long nanos) {
            if (arrived == arrivals.length) {
                arrivals = Arrays.copyOf(arrivals, arrived * 2);
            }
            arrivals[arrived++] = nanos;
        }

        /** A write held since {@code arrivedNanos} failed: it no longer counts as one that waited. */
        private synchronized void recordFailed(long arrivedNanos) {
            failed++;
            for (int i = 0; i < arrived; i++) {
                if (arrivals[i] == arrivedNanos) {
                    arrivals[i] = arrivals[--arrived];
                    return;
                }
            }
        }

        private synchronized void opened(long nanos) {
            openedNanos = nanos;
        }

        private synchronized void copyInto(Closure next) {
            synchronized (next) {
                next.arrivals = Arrays.copyOf(arrivals, Math.max(arrivals.length, 64));
                next.arrived = arrived;
                next.failed = failed;
            }
        }

        /** How the writes held by this closure fared; waits count up to the opening (or now, while closed). */
        public synchronized PauseStats stats() {
            long end = openedNanos != 0 ? openedNanos : System.nanoTime();
            long[] waits = new long[arrived];
            for (int i = 0; i < arrived; i++) {
                waits[i] = Math.max(0, end - arrivals[i]);
            }
            return PauseStats.of(waits, failed);
        }
    }

    /**
     * The writes a closure held: how many waited and were then let through, how many failed at the deadline, and
     * the wait times of those let through.
     */
    public record PauseStats(int waited, int failed, long maxNanos, long p50Nanos, long p99Nanos) {

        static PauseStats of(long[] waits, int failed) {
            Arrays.sort(waits);
            return new PauseStats(
                    waits.length,
                    failed,
                    waits.length == 0 ? 0 : waits[waits.length - 1],
                    percentile(waits, 0.50),
                    percentile(waits, 0.99));
        }

        /** The nearest-rank percentile of sorted values, 0 when there are none. */
        static long percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
        }
    }
}
