package io.pgrouter.topology;

import java.time.Instant;
import java.util.List;

/**
 * What a router's {@link TopologySource} last said, for status and health endpoints.
 *
 * @param source what it reads ({@link TopologySource#describe()})
 * @param reachable whether its last answer came through
 * @param lastAnswer when it last answered, {@code null} never
 * @param lastError why its last call failed, {@code null} when it did not
 * @param members the members of its last answer (the topology the router keeps while it cannot be reached)
 */
public record TopologySourceStatus(
        String source, boolean reachable, Instant lastAnswer, String lastError, List<TopologyMember> members) {

    public TopologySourceStatus {
        members = List.copyOf(members);
    }
}
