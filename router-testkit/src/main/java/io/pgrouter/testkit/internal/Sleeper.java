package io.pgrouter.testkit.internal;

/** Short pauses inside polling loops that always have a deadline. */
final class Sleeper {

    private Sleeper() {
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for PostgreSQL", e);
        }
    }
}
