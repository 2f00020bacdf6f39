package io.pgrouter.internal;

import io.pgrouter.RoutingDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing engine's logger. The engine's classes share the name of the class users know, so that one logger
 * ({@code io.pgrouter.RoutingDataSource}) turns routing, fallback and event logs up or down; the health monitor
 * logs as {@code io.pgrouter.health}.
 */
final class RouterLog {

    static final Logger LOG = LoggerFactory.getLogger(RoutingDataSource.class);

    private RouterLog() {}
}
