package io.pgrouter.testkit.internal;

/** Short pauses inside polling loops that always have a deadline. */
public final class Sleeper {

    private Sleeper() {}

    /** Sleeps {@code millis}; an interrupt ends the wait with an {@link IllegalStateException}. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for PostgreSQL", e);
        }
    }
}
