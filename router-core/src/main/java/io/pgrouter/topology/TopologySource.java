package io.pgrouter.topology;

import java.io.IOException;
import java.util.List;

/**
 * Where a router learns, while it runs, which PostgreSQL servers exist. The router asks every
 * {@code pgrouter.topology.refresh-interval} on a thread of its own ({@code pgrouter-topology}): a member it does not
 * have yet gets a pool and takes reads once a probe found it healthy; a node no longer listed (unless it is the
 * primary) takes no new connection and its pool closes once the work in flight there is done. When the source cannot
 * be reached the router keeps the last topology, logs it, and says so in its status.
 *
 * <p>The source only adds and removes nodes. Where writes go and which replica is fresh enough stay what the health
 * monitor's probes find; a change of leader in the source only makes the monitor probe at once.
 *
 * <p>Implementations: {@link PatroniTopologySource}, {@link DnsTopologySource}, {@link #fixed(List)}; without one the
 * configured nodes are the topology, as always.
 */
public interface TopologySource extends AutoCloseable {

    /**
     * The members now. Called on the router's topology thread only, never concurrently; must be bounded in time (the
     * sources here time out on their own).
     *
     * @throws IOException when the source cannot be reached or answers nonsense; the router keeps the last topology
     */
    List<TopologyMember> members() throws IOException;

    /** What the source reads, for logs and status ({@code patroni http://10.0.0.1:8008}); never a secret. */
    String describe();

    /** Releases what the source holds; the router calls it when it closes. */
    @Override
    default void close() {}

    /** A source that always lists these members: a fixed list, as if each had been configured. */
    static TopologySource fixed(List<TopologyMember> members) {
        List<TopologyMember> copy = List.copyOf(members);
        return new TopologySource() {
            @Override
            public List<TopologyMember> members() {
                return copy;
            }

            @Override
            public String describe() {
                return "fixed " + copy.stream().map(TopologyMember::address).toList();
            }
        };
    }
}
