/**
 * Topology sources: where a router learns which PostgreSQL nodes exist while it runs. {@link
 * io.pgrouter.topology.PatroniTopologySource} reads Patroni's REST API, {@link io.pgrouter.topology.DnsTopologySource}
 * a DNS name whose addresses are the replicas; without a source the configured list is the topology, as it always
 * was. A source only adds and removes nodes: the health monitor's probes stay the truth for role and lag. See
 * {@code docs/topology.md}.
 */
package io.pgrouter.topology;
