package io.pgrouter.internal;

import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: of two distinct candidates picked at random, the one with fewer connections in flight.
 * Comparing only two keeps concurrent callers from all herding onto the same momentarily idle replica.
 */
public final class LeastInFlightSelector implements ReplicaSelector {

    @Override
    public int select(List<? extends ReplicaCandidate> candidates) {
        int size = candidates.size();
        if (size == 1) {
            return 0;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(size);
        // A second index different from the first, still uniform over the others.
        int second = (first + 1 + random.nextInt(size - 1)) % size;
        return candidates.get(second).inFlight() < candidates.get(first).inFlight() ? second : first;
    }

    @Override
    public String toString() {
        return "least-in-flight";
    }
}
