/**
 * Micrometer metrics for the router: {@link io.pgrouter.micrometer.PgRouterMetrics}. Micrometer is an optional
 * dependency of the core, and only this package refers to it: nothing here is loaded unless a registry is given.
 */
package io.pgrouter.micrometer;
