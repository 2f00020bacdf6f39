/**
 * Moving an application to a new PostgreSQL cluster fed by logical replication (an upgrade to a new major version,
 * new hardware). So far: {@link io.pgrouter.cutover.CutoverReadiness}, the light that says when the target has
 * caught up. The cutover itself (write gate, fencing, sequence sync, swap) is not built yet; see
 * {@code docs/cutover.md}.
 */
package io.pgrouter.cutover;
