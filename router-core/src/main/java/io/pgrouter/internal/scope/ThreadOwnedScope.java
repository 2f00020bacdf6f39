package io.pgrouter.internal.scope;

import io.pgrouter.RouteScope;

/**
 * A scope that belongs to the thread that opened it: closing it twice does nothing, closing it on another thread
 * fails with an error naming both threads. The routing scopes and the causal bindings keep their state in
 * thread-locals, which only the owning thread can put back. In a package of its own so that both the engine and
 * its causal package can extend it without a package cycle.
 */
public abstract class ThreadOwnedScope implements RouteScope {

    private final Thread owner = Thread.currentThread();
    private boolean closed;

    /** Puts the owning thread's state back as it was before the scope opened; called once, on that thread. */
    protected abstract void end();

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(
                    "a " + this + " scope opened on thread '" + owner.getName() + "' must be closed on it, not on '"
                            + Thread.currentThread().getName() + "'");
        }
        closed = true;
        end();
    }
}
