/**
 * Micrometer metrics for the router: {@link io.pgrouter.micrometer.MicrometerMetrics} for the builder,
 * {@link io.pgrouter.micrometer.PgRouterMetrics} for a router already running. Micrometer is an optional dependency
 * of the core, and only this package refers to it: nothing here is loaded unless a registry is given.
 */
package io.pgrouter.micrometer;
