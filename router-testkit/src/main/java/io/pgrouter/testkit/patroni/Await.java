package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.Sleeper;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; every wait of the Patroni kit is bounded by one. */
final class Await {

    private static final long POLL_MILLIS = 100;

    private Await() {}

    /**
     * Polls {@code probe} until it yields a value.
     *
     * @param what what is awaited, for the message after the deadline
     * @param state describes the current state, for the message after the deadline
     * @throws IllegalStateException after {@code timeout}; a probe's own exception ends the wait at once
     */
    static <T> T value(Duration timeout, String what, Supplier<Optional<T>> probe, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Timed out after " + timeout.toSeconds() + " s waiting for " + what + ". " + state.get());
            }
            Sleeper.pause(POLL_MILLIS);
        }
    }

    /** As {@link #value}, for a condition. */
    static void until(Duration timeout, String what, Supplier<Boolean> condition, Supplier<String> state) {
        value(timeout, what, () -> condition.get() ? Optional.of(Boolean.TRUE) : Optional.empty(), state);
    }
}
