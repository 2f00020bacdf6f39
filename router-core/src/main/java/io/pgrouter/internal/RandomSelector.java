package io.pgrouter.internal;

import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks a candidate uniformly at random. */
public final class RandomSelector implements ReplicaSelector {

    @Override
    public int select(List<? extends ReplicaCandidate> candidates) {
        return ThreadLocalRandom.current().nextInt(candidates.size());
    }

    @Override
    public String toString() {
        return "random";
    }
}
