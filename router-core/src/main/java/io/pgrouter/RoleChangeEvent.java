package io.pgrouter;

import java.time.Instant;

/**
 * Another node now answers as the primary (a replica was promoted, or the primary came back as a standby); writes
 * go to the new primary and both nodes' pools retire their connections.
 *
 * @param at when the change was applied
 * @param oldPrimary the node writes went to before
 * @param newPrimary the node writes go to now
 */
public record RoleChangeEvent(Instant at, String oldPrimary, String newPrimary) {

    @Override
    public String toString() {
        return "Primary " + oldPrimary + " -> " + newPrimary + " at " + at;
    }
}
