package io.pgrouter;

/** The steps of a {@linkplain RoutingDataSource#cutover cutover}, in the order they run. */
public enum CutoverStep {
    /** The readiness light, both clusters' roles, the sequences, the row counts; nothing changes. */
    PRECHECK,
    /** Start the router of the target cluster (its pools and health monitor) and check that its primary answers. */
    START_TARGET,
    /** Close this router's write gate and announce the cutover on the source, so other routers hold theirs. */
    CLOSE_GATE,
    /** Let write transactions already running finish; other routers see the announcement meanwhile. */
    DRAIN,
    /** Make the source refuse writes from anyone: read-only by default, remaining sessions ended. */
    FENCE,
    /** Read the source's final WAL position. */
    FINAL_POSITION,
    /** Wait until the subscription has confirmed the final position. */
    CATCH_UP,
    /** Set the target's sequences past the source's, for the last time. */
    SEQUENCES,
    /** Count the rows of every table on both sides; they must be equal. */
    ROW_COUNTS,
    /** Swap this router to the target cluster: the point of no return. */
    SWAP,
    /** Release the held writes onto the target and tell the other routers to swap too. */
    OPEN_GATE,
    /** Disable the subscription on the target (when asked). */
    DISABLE_SUBSCRIPTION,
    /** Close the source cluster's pools and health monitor once the connections still there have finished. */
    RETIRE_SOURCE,
    /** After a failure before the swap: lift the fence, withdraw the announcement, open the gate on the source. */
    ROLLBACK
}
