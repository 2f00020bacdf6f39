package io.pgrouter.internal.cutover;

import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.config.RouterConfig;
import java.time.Duration;

/** What owns a router's runtime and can replace it: the data source the application holds. */
public interface RuntimeHost {

    /** The runtime in use now. */
    RouterRuntime runtime();

    /** Starts a runtime for {@code config} that shares the current one's thread scopes, listeners and meters binding. */
    RouterRuntime startTarget(RouterConfig config);

    /**
     * Makes {@code to} the runtime in use, atomically, and hands {@code from}'s connections not yet on a node over to
     * it. Only a cutover calls this, with its write gate closed.
     */
    void swap(RouterRuntime from, RouterRuntime to);

    /**
     * Closes a runtime swapped out once the connections still on its nodes have finished, waiting at most
     * {@code timeout}; then binds the meters to the runtime in use. Returns how many connections were still in use
     * when it closed.
     */
    int retire(RouterRuntime old, Duration timeout);
}
