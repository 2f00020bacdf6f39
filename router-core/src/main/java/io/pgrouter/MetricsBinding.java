package io.pgrouter;

import com.zaxxer.hikari.HikariConfig;

/**
 * Where a router reports its meters, given to {@link RoutingDataSource.Builder#metrics}. For Micrometer, use
 * {@code io.pgrouter.micrometer.MicrometerMetrics.of(registry)}: that package, the only one that names a Micrometer
 * type, is loaded only when it is called, so that a router without metrics needs no Micrometer on the class path.
 * Other registries can implement this with one of HikariCP's metrics trackers.
 */
public interface MetricsBinding {

    /**
     * Sets up one node's pool (named {@code pgrouter-<node>}) before it starts, so that it reports from its first
     * connection; typically with {@link HikariConfig#setMetricsTrackerFactory}.
     */
    void configurePool(HikariConfig pool);

    /** Binds the router's own meters once it runs; they should be removed when it closes. */
    void bindRouter(RoutingDataSource router);
}
