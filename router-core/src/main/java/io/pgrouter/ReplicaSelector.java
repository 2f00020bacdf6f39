package io.pgrouter;

import io.pgrouter.internal.LeastInFlightSelector;
import io.pgrouter.internal.LowestLagSelector;
import io.pgrouter.internal.RandomSelector;
import io.pgrouter.internal.RoundRobinSelector;
import io.pgrouter.internal.WeightedSelector;
import java.util.List;

/**
 * Chooses which eligible replica serves a read.
 *
 * <p>Called on the connection path for every read, possibly from many threads at once: implementations must be
 * thread-safe, fast, and must not block or do I/O. When the chosen replica cannot give a connection, the router
 * calls the selector again with that replica removed from the list.
 */
@FunctionalInterface
public interface ReplicaSelector {

    /**
     * Picks a replica.
     *
     * @param candidates the eligible replicas, never empty; do not modify
     * @return the index of the chosen candidate in {@code candidates}
     */
    int select(List<? extends ReplicaCandidate> candidates);

    /** Takes the replicas in turn. */
    static ReplicaSelector roundRobin() {
        return new RoundRobinSelector();
    }

    /** Picks a replica uniformly at random. */
    static ReplicaSelector random() {
        return new RandomSelector();
    }

    /** Picks a replica at random, in proportion to its {@linkplain ReplicaCandidate#weight() weight}. */
    static ReplicaSelector weighted() {
        return new WeightedSelector();
    }

    /**
     * The default: of two replicas picked at random, the one with fewer connections in flight ("power of two
     * choices"); it avoids both the herding of a strict least-loaded choice and the imbalance of pure random.
     */
    static ReplicaSelector leastInFlight() {
        return new LeastInFlightSelector();
    }

    /**
     * The replica with the least replication lag in bytes, ties broken by fewer connections in flight. While the
     * lag of any candidate is unknown (no health monitor, or before its first probe) it behaves exactly like
     * {@link #leastInFlight()}.
     */
    static ReplicaSelector lowestLag() {
        return new LowestLagSelector();
    }

    /**
     * The built-in selector of this name ({@link Selection#key()}): {@code round-robin}, {@code random},
     * {@code weighted}, {@code least-in-flight} or {@code lowest-lag} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the valid names
     */
    static ReplicaSelector named(String name) {
        return Selection.of(name).newSelector();
    }
}
