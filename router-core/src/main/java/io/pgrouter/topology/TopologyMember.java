package io.pgrouter.topology;

import java.util.Objects;

/**
 * A PostgreSQL server as a {@link TopologySource} lists it.
 *
 * @param name the node name it gets in the router (Patroni's member name; for DNS, its address)
 * @param host the host or address PostgreSQL listens on
 * @param port the port PostgreSQL listens on
 * @param leader whether the source says it is the primary (Patroni's leader); the probes decide where writes go
 * @param noLoadBalance whether reads must not go there (Patroni's tag {@code noloadbalance}); such a member is not
 *     added, unless it leads
 * @param noFailover whether it is never promoted (Patroni's tag {@code nofailover}); shown in status only
 * @param state what the source says of it ({@code running}, {@code streaming}, ...), {@code null} when it says nothing
 * @param timeline the timeline the source reports, 0 when unknown
 * @param lagBytes how far behind the leader the source saw it, -1 when unknown or for the leader
 */
public record TopologyMember(
        String name,
        String host,
        int port,
        boolean leader,
        boolean noLoadBalance,
        boolean noFailover,
        String state,
        long timeline,
        long lagBytes) {

    public TopologyMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port of member '" + name + "' must be 1 to 65535, was " + port);
        }
    }

    /** A replica at this address that takes reads, of which the source says nothing else (DNS, a fixed list). */
    public static TopologyMember replica(String name, String host, int port) {
        return new TopologyMember(name, host, port, false, false, false, null, 0, -1);
    }

    /** {@code host:port}, IPv6 addresses in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
