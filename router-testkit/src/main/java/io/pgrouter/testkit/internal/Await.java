package io.pgrouter.testkit.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A bounded wait for a condition that the kit's own controls need (tests use Awaitility instead). */
public final class Await {

    private static final long POLL_MILLIS = 50;

    private Await() {}

    /**
     * Polls {@code condition} until it holds.
     *
     * @param what what is awaited, for the message
     * @param diagnostics what the state is when the wait gives up, for the message
     * @throws IllegalStateException after {@code timeout}, with {@code what} and the diagnostics
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "Waited " + timeout.toMillis() + " ms for " + what + "; " + diagnostics.get());
            }
            Sleeper.pause(POLL_MILLIS);
        }
    }
}
