package io.pgrouter.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The threads borrowing a connection from one node's pool right now, so that the health monitor can send them
 * elsewhere the moment the node stops being the place to go (it is no longer the primary, or it is known to be
 * down) instead of leaving them to wait out the pool's connection timeout.
 *
 * <p>HikariCP gives up a wait when the waiting thread is interrupted, and there is no other way to end it early.
 * The interrupt is delivered only while the thread is inside the pool's {@code getConnection} (a state machine per
 * waiter decides, with one CAS, whether the borrow finished first or the redirect did), and the borrower clears
 * the flag again before it leaves the router, so that user code never sees it. A thread that someone else
 * interrupts while it waits loses that interrupt only if a redirect races with it.
 *
 * <p>Every write passes here, so the waiters live in a fixed array of reusable slots, claimed and freed with one CAS
 * each and no allocation (a concurrent set cost two objects and ~35 ns per primary borrow). A thread starts looking
 * at a slot of its own (by its identity hash), so that threads rarely meet on one. Only when every slot is taken,
 * that is when more threads wait than the pool has connections, does a borrower register in a concurrent set.
 */
final class BorrowWaiters {

    private final Waiter[] slots;
    // More waiters than slots: the pool is exhausted and its borrowers wait anyway, allocation is fine there.
    private final Set<Waiter> overflow = ConcurrentHashMap.newKeySet();

    /** @param slots how many borrowers register without allocating; the pool's maximum size suits */
    BorrowWaiters(int slots) {
        this.slots = new Waiter[Math.max(1, slots)];
        for (int i = 0; i < this.slots.length; i++) {
            this.slots[i] = new Waiter(true);
        }
    }

    /** A borrow that was ended because the node is no longer the place to go; route again. */
    static final class Redirected extends Exception {
        private static final long serialVersionUID = 1L;

        Redirected(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Borrows from {@code pool}, unless {@link #redirectAll} ends the wait first.
     *
     * @throws Redirected when the wait was ended by a redirect (a connection borrowed meanwhile is given back)
     * @throws SQLException the pool's own failure
     */
    Connection borrow(DataSource pool) throws SQLException, Redirected {
        Thread thread = Thread.currentThread();
        Waiter waiter = claim(thread);
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            boolean finished = waiter.finish();
            Redirected redirected = finished ? null : waiter.redirected();
            release(waiter);
            if (finished) {
                throw e;
            }
            throw redirected;
        } catch (RuntimeException | Error e) {
            if (!waiter.finish()) {
                waiter.redirected();
            }
            release(waiter);
            throw e;
        }
        if (waiter.finish()) {
            release(waiter);
            return connection;
        }
        // The redirect came between the pool's answer and here: this connection is on a node we were told to leave.
        Redirected redirected = waiter.redirected();
        release(waiter);
        connection.close();
        throw redirected;
    }

    /** A free slot, now WAITING for {@code thread}; a new waiter in the overflow set when every slot is taken. */
    private Waiter claim(Thread thread) {
        int n = slots.length;
        int start = (thread.hashCode() & Integer.MAX_VALUE) % n;
        for (int i = 0; i < n; i++) {
            Waiter slot = slots[(start + i) % n];
            if (slot.claim(thread)) {
                return slot;
            }
        }
        Waiter extra = new Waiter(false);
        extra.claim(thread);
        overflow.add(extra);
        return extra;
    }

    /** Frees a slot for the next borrower, once its outcome (done or redirected) has been read. */
    private void release(Waiter waiter) {
        if (!waiter.free()) {
            overflow.remove(waiter);
        }
    }

    /**
     * Ends every wait in progress; each of those borrowers routes again. A borrow that starts while this runs may be
     * ended too (it routes again on the newest snapshot, as one started just before would).
     *
     * @return how many waits were ended
     */
    int redirectAll(String reason) {
        int redirected = 0;
        for (Waiter waiter : slots) {
            if (waiter.redirect(reason)) {
                redirected++;
            }
        }
        for (Waiter waiter : overflow) {
            if (waiter.redirect(reason)) {
                redirected++;
            }
        }
        return redirected;
    }

    /** How many threads are waiting now. */
    int size() {
        int waiting = overflow.size();
        for (Waiter waiter : slots) {
            if (waiter.waiting()) {
                waiting++;
            }
        }
        return waiting;
    }

    /**
     * One borrow, in a slot that borrowers reuse: FREE, CLAIMED (the borrower writes its thread), WAITING, then DONE
     * (the borrow finished first) or REDIRECTING and REDIRECTED; FREE again once the borrower has read the outcome.
     * The monitor acts on WAITING only, so it never interrupts a thread that is not inside a borrow.
     */
    private static final class Waiter extends AtomicInteger {
        private static final long serialVersionUID = 1L;
        private static final int FREE = 0;
        private static final int CLAIMED = 1;
        private static final int WAITING = 2;
        private static final int DONE = 3;
        private static final int REDIRECTING = 4;
        private static final int REDIRECTED = 5;

        // Written by the borrower between CLAIMED and WAITING; read by the monitor after its CAS from WAITING.
        private transient Thread thread;
        private volatile String reason;
        // Whether the slot belongs to the array (false for an overflow waiter, which is dropped after use).
        private final boolean slotted;

        Waiter(boolean slotted) {
            super(FREE);
            this.slotted = slotted;
        }

        /** Called by a borrower: takes the slot if it is free. */
        boolean claim(Thread borrower) {
            if (get() != FREE || !compareAndSet(FREE, CLAIMED)) {
                return false;
            }
            thread = borrower;
            set(WAITING);
            return true;
        }

        /** Called by the borrower: whether it finished before any redirect. */
        boolean finish() {
            return compareAndSet(WAITING, DONE);
        }

        /** Called by the monitor: interrupts the borrower if it is still waiting. */
        boolean redirect(String why) {
            if (get() != WAITING || !compareAndSet(WAITING, REDIRECTING)) {
                return false;
            }
            reason = why;
            thread.interrupt();
            set(REDIRECTED);
            return true;
        }

        /** Called by the borrower after {@link #finish()} failed: waits for the interrupt, clears it, says why. */
        Redirected redirected() {
            while (get() == REDIRECTING) {
                Thread.onSpinWait(); // the redirecting thread is between two plain writes
            }
            Thread.interrupted();
            return new Redirected(reason);
        }

        boolean waiting() {
            return get() == WAITING;
        }

        /** Called by the borrower last: frees a slot for reuse; false for an overflow waiter, which is not reused. */
        boolean free() {
            thread = null;
            set(FREE);
            return slotted;
        }
    }
}
