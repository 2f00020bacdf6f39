package io.pgrouter;

/**
 * What a {@link ReplicaSelector} knows about an eligible replica: its configuration, its live load and, once
 * a health monitor measures it, its lag. Reading any of these is cheap and never does I/O.
 */
public interface ReplicaCandidate {

    /** The node's configured name. */
    String name();

    /** The configured weight, at least 1. */
    int weight();

    /** Connections this router currently holds on the node (acquired and not yet closed). */
    int inFlight();

    /** Replication lag in bytes of WAL behind the primary, or {@code -1} while unknown. */
    long lagBytes();

    /** Replication lag in milliseconds, or {@code -1} while unknown. */
    long lagMillis();
}
