package io.pgrouter.spring.autoconfigure;

import io.pgrouter.ReplicaSelector;
import java.util.Locale;

/**
 * The built-in ways of picking a replica, for {@code pgrouter.selection}. Spring binds the names as written in
 * properties ({@code round-robin}, {@code least-in-flight}, ...). For a selector of your own, declare a
 * {@link ReplicaSelector} bean instead.
 */
public enum ReplicaSelection {

    /** Of two replicas picked at random, the one with fewer connections in flight; the default. */
    LEAST_IN_FLIGHT,

    /** The replicas in turn. */
    ROUND_ROBIN,

    /** A replica picked uniformly at random. */
    RANDOM,

    /** A replica picked at random in proportion to its {@code pgrouter.replicas[i].weight}. */
    WEIGHTED,

    /** The replica with the least replication lag in bytes, ties broken by fewer connections in flight. */
    LOWEST_LAG;

    /** The name as properties and {@link ReplicaSelector#named(String)} spell it: {@code round-robin}. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * A new selector of this kind. The only place that maps a value to the core: by the core's own names, so that
     * the core stays the one list of selectors.
     */
    public ReplicaSelector selector() {
        return ReplicaSelector.named(propertyValue());
    }
}
