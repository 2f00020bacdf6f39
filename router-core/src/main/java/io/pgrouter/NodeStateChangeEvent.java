package io.pgrouter;

import java.time.Instant;
import java.util.Locale;

/**
 * A node's health state or rotation changed, as a probe round found.
 *
 * @param at when the change was applied
 * @param node the node's name
 * @param role the node's role after the round
 * @param from the state before
 * @param to the state now
 * @param wasInRotation whether the node was in rotation before: for a replica, whether its health let reads go
 *     there; for the primary, whether it answered as a primary
 * @param inRotation the same, now
 * @param reason why the node is out of rotation (or what is wrong with the primary), {@code null} when all is well
 */
public record NodeStateChangeEvent(
        Instant at,
        String node,
        NodeRole role,
        HealthState from,
        HealthState to,
        boolean wasInRotation,
        boolean inRotation,
        String reason) {

    @Override
    public String toString() {
        return "Node " + node + " (" + role.name().toLowerCase(Locale.ROOT) + "): " + from + " -> " + to
                + (wasInRotation == inRotation ? "" : inRotation ? ", back in rotation" : ", out of rotation")
                + (reason == null ? "" : ": " + reason) + " at " + at;
    }
}
