package io.pgrouter;

/**
 * Hears what the health monitor changes in the router: a node's health state, which node is the primary, and
 * whether reads fall back to the primary. Every method does nothing by default, so implement only what you need.
 *
 * <p>Methods are called on the health monitor's thread (or on the thread of an operator action such as
 * {@link RoutingDataSource#drain}), one event at a time, in the order the changes were seen. Return quickly: a slow
 * listener delays the next probe round. An exception thrown by a listener is logged and otherwise ignored.
 *
 * <p>Register with {@link RoutingDataSource.Builder#listener} (hears the first probe round too) or
 * {@link RoutingDataSource#addListener}.
 */
public interface RouterListener {

    /** A node's health state, or whether it is in rotation, changed. */
    default void onNodeStateChange(NodeStateChangeEvent event) {}

    /** Another node now answers as the primary; writes go there. */
    default void onRoleChange(RoleChangeEvent event) {}

    /** A node joined or left the router at run time. */
    default void onTopologyChange(TopologyChangeEvent event) {}

    /** No replica can take reads any more: reads go to the primary (or fail, with fallback to primary off). */
    default void onFallbackStarted(FallbackEvent event) {}

    /** A replica can take reads again after a fallback. */
    default void onFallbackEnded(FallbackEvent event) {}
}
