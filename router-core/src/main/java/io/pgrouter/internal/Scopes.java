package io.pgrouter.internal;

import io.pgrouter.RouteScope;
import io.pgrouter.internal.scope.ThreadOwnedScope;

/**
 * The thread's routing scopes. Nesting rule: any open {@code onPrimary} scope wins over any open
 * {@code readOnly} scope, whichever was opened first; so a method that must see its own writes stays on the
 * primary even when its caller declared a read, and a read inside {@code onPrimary} stays on the primary.
 * Staleness bounds of nested read-only scopes combine to the tightest; scopes with a bound must close in the
 * reverse order of opening (try-with-resources does that).
 */
public final class Scopes {

    // Per router, not static: two routers in one application keep their scopes apart.
    private final ThreadLocal<Depths> depths = new ThreadLocal<>();
    // Whether any scope was ever opened: until then every connection skips the thread-local read (~5 ns). Plain, not
    // volatile: only the thread that opens a scope needs to see it, and it wrote the flag itself; it never goes back.
    private boolean anyOpened;

    /** Opens a read-only scope on this thread. */
    public RouteScope readOnly() {
        return open(false, -1);
    }

    /** Opens a read-only scope on this thread in which replicas may lag at most {@code maxStalenessMillis}. */
    public RouteScope readOnly(long maxStalenessMillis) {
        if (maxStalenessMillis < 0) {
            throw new IllegalArgumentException(
                    "max staleness must be zero or positive, was " + maxStalenessMillis + " ms");
        }
        return open(false, maxStalenessMillis);
    }

    /** Opens a primary scope on this thread. */
    public RouteScope onPrimary() {
        return open(true, -1);
    }

    /** The request for a connection first used now, on this thread. */
    public RouteRequest request(boolean connectionReadOnly) {
        Depths d = anyOpened ? depths.get() : null;
        if (d == null) {
            return connectionReadOnly ? RouteRequest.READ : RouteRequest.WRITE;
        }
        return RouteRequest.of(connectionReadOnly || d.readOnly > 0, d.primary > 0, d.maxStalenessMillis);
    }

    /** Whether a read-only scope is open on this thread (for diagnostics). */
    public boolean readOnlyActive() {
        Depths d = anyOpened ? depths.get() : null;
        return d != null && d.readOnly > 0;
    }

    private RouteScope open(boolean primary, long maxStalenessMillis) {
        Depths d = depths.get();
        if (d == null) {
            anyOpened = true;
            d = new Depths();
            depths.set(d);
        }
        long previousBound = d.maxStalenessMillis;
        if (primary) {
            d.primary++;
        } else {
            d.readOnly++;
            if (maxStalenessMillis >= 0) {
                d.maxStalenessMillis =
                        previousBound < 0 ? maxStalenessMillis : Math.min(previousBound, maxStalenessMillis);
            }
        }
        return new OpenScope(d, primary, previousBound);
    }

    /** How many scopes of each kind are open on one thread, and the tightest staleness bound; only that thread touches it. */
    private static final class Depths {
        int readOnly;
        int primary;
        long maxStalenessMillis = -1;
    }

    private static final class OpenScope extends ThreadOwnedScope {
        private final Depths depths;
        private final boolean primary;
        private final long previousBound;

        OpenScope(Depths depths, boolean primary, long previousBound) {
            this.depths = depths;
            this.primary = primary;
            this.previousBound = previousBound;
        }

        @Override
        protected void end() {
            if (primary) {
                depths.primary--;
            } else {
                depths.readOnly--;
                depths.maxStalenessMillis = previousBound;
            }
        }

        @Override
        public String toString() {
            return primary ? "onPrimary" : "readOnly";
        }
    }
}
