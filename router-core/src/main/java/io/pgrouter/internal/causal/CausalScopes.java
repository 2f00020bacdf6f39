package io.pgrouter.internal.causal;

import io.pgrouter.RouteScope;

/**
 * Which causal session is bound to each thread, per router. A binding nests: the inner one holds until it closes,
 * then the outer one is back. Bindings must close on the thread that opened them, in reverse order
 * (try-with-resources does both).
 */
public final class CausalScopes {

    private final ThreadLocal<SessionCell> bound = new ThreadLocal<>();

    /** The session bound to this thread, or {@code null}. */
    public SessionCell current() {
        return bound.get();
    }

    /** Binds {@code cell} to this thread until the scope closes. */
    public RouteScope bind(SessionCell cell) {
        SessionCell previous = bound.get();
        bound.set(cell);
        return new Binding(previous, Thread.currentThread());
    }

    private final class Binding implements RouteScope {
        private final SessionCell previous;
        private final Thread owner;
        private boolean closed;

        Binding(SessionCell previous, Thread owner) {
            this.previous = previous;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException(
                        "a causal scope opened on thread '" + owner.getName() + "' must be closed on it, not on '"
                                + Thread.currentThread().getName() + "'");
            }
            closed = true;
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
