package io.pgrouter.internal;

import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a candidate at random in proportion to its weight. Random rather than smooth weighted round-robin:
 * it needs no shared mutable state, and over many connections the shares are the same.
 */
public final class WeightedSelector implements ReplicaSelector {

    @Override
    public int select(List<? extends ReplicaCandidate> candidates) {
        int size = candidates.size();
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += candidates.get(i).weight();
        }
        long ticket = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < size; i++) {
            ticket -= candidates.get(i).weight();
            if (ticket < 0) {
                return i;
            }
        }
        return size - 1;
    }

    @Override
    public String toString() {
        return "weighted";
    }
}
