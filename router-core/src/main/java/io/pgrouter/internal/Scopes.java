package io.pgrouter.internal;

import io.pgrouter.RouteScope;

/**
 * The thread's routing scopes. Nesting rule: any open {@code onPrimary} scope wins over any open
 * {@code readOnly} scope, whichever was opened first; so a method that must see its own writes stays on the
 * primary even when its caller declared a read, and a read inside {@code onPrimary} stays on the primary.
 */
public final class Scopes {

    // Per router, not static: two routers in one application keep their scopes apart.
    private final ThreadLocal<Depths> depths = new ThreadLocal<>();

    /** Opens a read-only scope on this thread. */
    public RouteScope readOnly() {
        return open(false);
    }

    /** Opens a primary scope on this thread. */
    public RouteScope onPrimary() {
        return open(true);
    }

    /** The request for a connection first used now, on this thread. */
    public RouteRequest request(boolean connectionReadOnly) {
        Depths d = depths.get();
        if (d == null) {
            return connectionReadOnly ? RouteRequest.READ : RouteRequest.WRITE;
        }
        return RouteRequest.of(connectionReadOnly || d.readOnly > 0, d.primary > 0);
    }

    /** Whether a read-only scope is open on this thread (for diagnostics). */
    public boolean readOnlyActive() {
        Depths d = depths.get();
        return d != null && d.readOnly > 0;
    }

    private RouteScope open(boolean primary) {
        Depths d = depths.get();
        if (d == null) {
            d = new Depths();
            depths.set(d);
        }
        if (primary) {
            d.primary++;
        } else {
            d.readOnly++;
        }
        return new OpenScope(d, primary, Thread.currentThread());
    }

    /** How many scopes of each kind are open on one thread; only that thread touches it. */
    private static final class Depths {
        int readOnly;
        int primary;
    }

    private static final class OpenScope implements RouteScope {
        private final Depths depths;
        private final boolean primary;
        private final Thread owner;
        private boolean closed;

        OpenScope(Depths depths, boolean primary, Thread owner) {
            this.depths = depths;
            this.primary = primary;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a " + this + " scope opened on thread '" + owner.getName()
                        + "' must be closed on it, not on '" + Thread.currentThread().getName() + "'");
            }
            closed = true;
            if (primary) {
                depths.primary--;
            } else {
                depths.readOnly--;
            }
        }

        @Override
        public String toString() {
            return primary ? "onPrimary" : "readOnly";
        }
    }
}
