package io.pgrouter.internal;

import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Takes the candidates in turn; one shared counter, no lock. */
public final class RoundRobinSelector implements ReplicaSelector {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int select(List<? extends ReplicaCandidate> candidates) {
        // floorMod keeps the index valid after the counter overflows.
        return Math.floorMod(next.getAndIncrement(), candidates.size());
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}
