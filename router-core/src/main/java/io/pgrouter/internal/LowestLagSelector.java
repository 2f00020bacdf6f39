package io.pgrouter.internal;

import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The candidate with the least lag in bytes, ties broken by fewer connections in flight, further ties by a
 * random starting point (so equally fresh idle replicas share the load). If any candidate's lag is unknown it
 * defers to {@link LeastInFlightSelector}: ranking known against unknown lag would guess.
 */
public final class LowestLagSelector implements ReplicaSelector {

    private final LeastInFlightSelector whenUnknown = new LeastInFlightSelector();

    @Override
    public int select(List<? extends ReplicaCandidate> candidates) {
        int size = candidates.size();
        for (int i = 0; i < size; i++) {
            if (candidates.get(i).lagBytes() < 0) {
                return whenUnknown.select(candidates);
            }
        }
        int start = size == 1 ? 0 : ThreadLocalRandom.current().nextInt(size);
        int best = start;
        for (int step = 1; step < size; step++) {
            int i = (start + step) % size;
            ReplicaCandidate candidate = candidates.get(i);
            ReplicaCandidate leader = candidates.get(best);
            if (candidate.lagBytes() < leader.lagBytes()
                    || candidate.lagBytes() == leader.lagBytes() && candidate.inFlight() < leader.inFlight()) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "lowest-lag";
    }
}
