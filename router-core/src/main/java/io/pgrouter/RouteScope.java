package io.pgrouter;

/**
 * A routing scope opened by {@link RoutingDataSource#readOnly()} or {@link RoutingDataSource#onPrimary()}.
 * Close it on the thread that opened it, best with try-with-resources; closing it twice does nothing.
 */
public interface RouteScope extends AutoCloseable {

    /** Ends the scope; connections first used after this no longer see it. */
    @Override
    void close();
}
