package io.pgrouter;

/** The steps of a {@linkplain RoutingDataSource#switchover switchover}, in the order they run. */
public enum SwitchoverStep {
    /** Every check on the current primary and the target; nothing changes. */
    PRECHECK,
    /** Close this router's write gate and announce the switchover on the primary, so other routers hold theirs. */
    CLOSE_GATE,
    /** Let write transactions already running finish; other routers see the announcement meanwhile. */
    DRAIN,
    /** Make the old primary refuse writes from anyone: read-only by default, remaining sessions ended. */
    FENCE,
    /** Read the old primary's final WAL position. */
    FINAL_POSITION,
    /** Wait until the target has replayed the final position. */
    CATCH_UP,
    /** Promote the target, or wait for an external promoter to do so: the point of no return. */
    PROMOTE,
    /** Check that the new primary accepts writes. */
    VERIFY,
    /** Move the write route: the health monitor takes the new primary. */
    MOVE_ROUTE,
    /** Release the held writes onto the new primary. */
    OPEN_GATE,
    /** After a failure before the promotion: lift the fence, withdraw the announcement, open the gate. */
    ROLLBACK
}
