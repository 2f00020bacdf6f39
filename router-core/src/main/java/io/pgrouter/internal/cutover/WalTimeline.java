package io.pgrouter.internal.cutover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When the source reached which WAL position, as the readiness checks saw it on the readiness' clock: turns the
 * subscriber's confirmed position into a lag in time that is right on an idle source (everything confirmed is 0
 * behind) and never compares two servers' clocks. The health monitor's {@code WalHistory} does the same for
 * streaming replicas with its probe samples; this one is fed by the checks, so its resolution is the check interval.
 */
final class WalTimeline {

    private record Sample(long position, Instant at) {}

    private final int capacity;
    // Oldest first; a sample is kept only when the position moved.
    private final Deque<Sample> samples = new ArrayDeque<>();

    WalTimeline(int capacity) {
        this.capacity = capacity;
    }

    /** Records that the source was at {@code position} at {@code at}. */
    void record(long position, Instant at) {
        if (position < 0) {
            return;
        }
        Sample newest = samples.peekLast();
        if (newest != null && position <= newest.position()) {
            if (position < newest.position()) {
                // Another source (restored, or a new cluster behind the same URL): older samples describe another
                // history.
                samples.clear();
            } else {
                return;
            }
        }
        samples.addLast(new Sample(position, at));
        if (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    /**
     * How long before {@code now} the source first wrote WAL past {@code confirmed}: 0 when everything known is
     * confirmed, {@code null} when nothing is known. Between two samples the time is interpolated by position;
     * a position older than every sample is at least as old as the oldest.
     */
    Duration behind(long confirmed, Instant now) {
        if (samples.isEmpty() || confirmed < 0) {
            return null;
        }
        Sample newer = samples.peekLast();
        if (confirmed >= newer.position()) {
            return Duration.ZERO;
        }
        var older = samples.descendingIterator();
        older.next();
        while (older.hasNext()) {
            Sample s = older.next();
            if (s.position() <= confirmed) {
                double fraction = (double) (confirmed - s.position()) / (newer.position() - s.position());
                long spanNanos = Duration.between(s.at(), newer.at()).toNanos();
                Instant reached = s.at().plusNanos((long) (fraction * spanNanos));
                return positive(Duration.between(reached, now));
            }
            newer = s;
        }
        return positive(Duration.between(newer.at(), now));
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
