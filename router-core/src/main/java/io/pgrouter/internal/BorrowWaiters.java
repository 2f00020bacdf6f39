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
 */
final class BorrowWaiters {

    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();

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
        Waiter waiter = new Waiter(Thread.currentThread());
        waiting.add(waiter);
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            if (waiter.finish()) {
                throw e;
            }
            throw waiter.redirected();
        } finally {
            waiting.remove(waiter);
        }
        if (waiter.finish()) {
            return connection;
        }
        // The redirect came between the pool's answer and here: this connection is on a node we were told to leave.
        Redirected redirected = waiter.redirected();
        connection.close();
        throw redirected;
    }

    /**
     * Ends every wait in progress; each of those borrowers routes again.
     *
     * @return how many waits were ended
     */
    int redirectAll(String reason) {
        int redirected = 0;
        for (Waiter waiter : waiting) {
            if (waiter.redirect(reason)) {
                redirected++;
            }
        }
        return redirected;
    }

    /** How many threads are waiting now. */
    int size() {
        return waiting.size();
    }

    /** One borrowing thread: WAITING, then DONE (the borrow finished first) or REDIRECTING, then REDIRECTED. */
    private static final class Waiter extends AtomicInteger {
        private static final long serialVersionUID = 1L;
        private static final int WAITING = 0;
        private static final int DONE = 1;
        private static final int REDIRECTING = 2;
        private static final int REDIRECTED = 3;

        private final transient Thread thread;
        private volatile String reason;

        Waiter(Thread thread) {
            super(WAITING);
            this.thread = thread;
        }

        /** Called by the borrower: whether it finished before any redirect. */
        boolean finish() {
            return compareAndSet(WAITING, DONE);
        }

        /** Called by the monitor: interrupts the borrower if it is still waiting. */
        boolean redirect(String why) {
            if (!compareAndSet(WAITING, REDIRECTING)) {
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
    }
}
