package io.pgrouter;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads started or stopped falling back to the primary because no replica is eligible. Only while reads to
 * replicas are enabled: switching them off is an operator's choice, not a fallback.
 *
 * @param at when the change was applied
 * @param started {@code true} when the fallback starts, {@code false} when it ends
 * @param eligibleReplicas the replicas reads may go to now (empty when the fallback starts)
 * @param notEligible why each other replica may not take reads, by name in name order
 */
public record FallbackEvent(
        Instant at, boolean started, List<String> eligibleReplicas, Map<String, String> notEligible) {

    /** Keeps unmodifiable copies: the replicas as given, the reasons sorted by name. */
    public FallbackEvent {
        eligibleReplicas = List.copyOf(eligibleReplicas);
        // Sorted by name, so that toString reads the same every time.
        notEligible = Collections.unmodifiableMap(new TreeMap<>(notEligible));
    }

    @Override
    public String toString() {
        return (started
                        ? "Reads fall back to the primary: no eligible replica " + notEligible
                        : "Reads go to replicas again: " + eligibleReplicas + " eligible")
                + " at " + at;
    }
}
