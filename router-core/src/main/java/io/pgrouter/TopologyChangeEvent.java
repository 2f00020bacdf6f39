package io.pgrouter;

import java.time.Instant;

/**
 * A node joined or left the router at run time (a topology source listed a new member, or stopped listing one; or
 * an operator called {@link RoutingDataSource#addReplica} or {@link RoutingDataSource#removeReplica}).
 *
 * <p>A node that joins takes reads only once a probe found it healthy; a node that leaves takes no new connection
 * from this event on, and its pool closes once the connections in use there are closed (bounded by
 * {@code pgrouter.topology.drain-timeout}).
 *
 * @param at when the change was applied
 * @param node the node's name
 * @param added {@code true} when the node joined, {@code false} when it left
 * @param reason why, for logs and operators
 */
public record TopologyChangeEvent(Instant at, String node, boolean added, String reason) {

    @Override
    public String toString() {
        return "Node " + node + (added ? " added" : " removed") + " at " + at + ": " + reason;
    }
}
