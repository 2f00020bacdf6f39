package io.pgrouter;

/**
 * Why a connection went where it went. Every routing decision carries exactly one reason; the router counts
 * them per node (see {@link NodeStatus#routes()}) and logs them at DEBUG.
 */
public enum RouteReason {
    /** A read went to a replica chosen by the {@link ReplicaSelector}. */
    REPLICA,
    /** The connection had no read intent, so it went to the primary. */
    PRIMARY_WRITE,
    /** An {@link RoutingDataSource#onPrimary() onPrimary} scope sent the connection to the primary. */
    PRIMARY_FORCED,
    /**
     * A read carrying a {@link CausalSession} position went to the primary: no replica had replayed the position
     * within {@code pgrouter.consistency.max-wait} (or the position is on an older timeline, or its commit's
     * position is not known yet in {@link ConsistencyMode#PROBE probe} mode).
     */
    PRIMARY_CAUSAL,
    /** A read carrying a position went to a replica that, as the last probe showed, had already replayed it. */
    REPLICA_CAUGHT_UP,
    /** A read carrying a position went to a replica that replayed it while the read waited (asked on the replica). */
    REPLICA_AFTER_WAIT,
    /** A read went to the primary because no replica was eligible (drained, backing off after failures, ...). */
    FALLBACK_NO_ELIGIBLE_REPLICA,
    /** A read went to the primary because replicas are switched off ({@link RoutingDataSource#setReplicasEnabled}). */
    FALLBACK_REPLICAS_DISABLED,
    /** A read went to the primary because every eligible replica failed to give a connection within this call. */
    FALLBACK_ACQUIRE_FAILED,
    /** A read with a staleness bound went to the primary because every eligible replica lagged more than the bound. */
    FALLBACK_REPLICAS_TOO_STALE,
    /**
     * A read ran again on this replica: its first statement broke on another node (connection lost, server shut
     * down, node cut off by the health monitor) before anything came back. See {@code pgrouter.retry-reads}.
     */
    REPLICA_RETRIED,
    /** As {@link #REPLICA_RETRIED}, on the primary: no other replica could take the read. */
    FALLBACK_RETRIED;

    /** Whether a connection routed for this reason went to a replica. */
    public boolean toReplica() {
        return this == REPLICA || this == REPLICA_RETRIED || this == REPLICA_CAUGHT_UP || this == REPLICA_AFTER_WAIT;
    }
}
