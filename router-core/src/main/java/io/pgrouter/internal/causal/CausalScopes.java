package io.pgrouter.internal.causal;

import io.pgrouter.RouteScope;
import io.pgrouter.internal.scope.ThreadOwnedScope;

/**
 * Which causal session is bound to each thread, per router. A binding nests: the inner one holds until it closes,
 * then the outer one is back. Bindings must close on the thread that opened them, in reverse order
 * (try-with-resources does both).
 */
public final class CausalScopes {

    private final ThreadLocal<SessionCell> bound = new ThreadLocal<>();
    // Whether a session was ever bound: until then every connection skips the thread-local read (~5 ns). Plain, not
    // volatile: only the thread that binds needs to see it, and it wrote the flag itself; it never goes back.
    private boolean anyBound;

    /** The session bound to this thread, or {@code null}. */
    public SessionCell current() {
        return anyBound ? bound.get() : null;
    }

    /** Binds {@code cell} to this thread until the scope closes. */
    public RouteScope bind(SessionCell cell) {
        anyBound = true;
        SessionCell previous = bound.get();
        bound.set(cell);
        return new Binding(previous);
    }

    private final class Binding extends ThreadOwnedScope {
        private final SessionCell previous;

        Binding(SessionCell previous) {
            this.previous = previous;
        }

        @Override
        protected void end() {
            if (previous == null) {
                bound.remove();
            } else {
                bound.set(previous);
            }
        }

        @Override
        public String toString() {
            return "causal";
        }
    }
}
