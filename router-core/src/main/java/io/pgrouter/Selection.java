package io.pgrouter;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The built-in {@link ReplicaSelector}s by name: the values of {@code pgrouter.selection}. Each constant's
 * {@link #key()} is the name used in configuration ({@code least-in-flight}, {@code round-robin}, ...).
 */
public enum Selection {

    /** {@link ReplicaSelector#leastInFlight()}, the default. */
    LEAST_IN_FLIGHT(ReplicaSelector::leastInFlight),
    /** {@link ReplicaSelector#roundRobin()}. */
    ROUND_ROBIN(ReplicaSelector::roundRobin),
    /** {@link ReplicaSelector#random()}. */
    RANDOM(ReplicaSelector::random),
    /** {@link ReplicaSelector#weighted()}. */
    WEIGHTED(ReplicaSelector::weighted),
    /** {@link ReplicaSelector#lowestLag()}. */
    LOWEST_LAG(ReplicaSelector::lowestLag);

    private final Supplier<ReplicaSelector> factory;

    Selection(Supplier<ReplicaSelector> factory) {
        this.factory = factory;
    }

    /** The name in configuration: the constant's name in lower case with dashes, e.g. {@code round-robin}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A new selector of this kind (selectors with state, such as round-robin, are not shared). */
    public ReplicaSelector newSelector() {
        return factory.get();
    }

    /** Every {@link #key()}, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Selection::key).toList();
    }

    /**
     * The selection with this {@link #key()} (case-insensitive, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the valid keys
     */
    public static Selection of(String key) {
        String wanted = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        for (Selection selection : values()) {
            if (selection.key().equals(wanted)) {
                return selection;
            }
        }
        throw new IllegalArgumentException("unknown selection '" + key + "'; use one of " + String.join(", ", keys()));
    }
}
