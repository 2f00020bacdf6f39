package io.pgrouter.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Lets one caller through per interval, without locks; for rate-limited warnings and evictions. */
final class Throttle {

    private final long intervalNanos;
    // Long.MIN_VALUE: nobody has passed yet.
    private final AtomicLong lastPassed = new AtomicLong(Long.MIN_VALUE);

    Throttle(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** Whether the caller may act now; if so, others must wait a full interval. */
    boolean tryPass(long nowNanos) {
        long last = lastPassed.get();
        if (last != Long.MIN_VALUE && nowNanos - last < intervalNanos) {
            return false;
        }
        return lastPassed.compareAndSet(last, nowNanos);
    }
}
