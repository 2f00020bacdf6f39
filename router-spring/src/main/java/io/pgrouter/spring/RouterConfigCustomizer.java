package io.pgrouter.spring;

import io.pgrouter.RoutingDataSource;

/**
 * Customizes the {@link RoutingDataSource.Builder} after the {@code pgrouter.*} properties were applied and before the
 * router is built: for what properties cannot say (a custom {@link io.pgrouter.ReplicaSelector}, listeners, ...).
 * Declare one or more as beans; they run in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface RouterConfigCustomizer {

    /** Customizes {@code builder}; the router's validation still runs on {@code build()}. */
    void customize(RoutingDataSource.Builder builder);
}
