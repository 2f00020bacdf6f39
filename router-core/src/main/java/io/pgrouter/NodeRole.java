package io.pgrouter;

/** The role a node plays in the topology. */
public enum NodeRole {
    /** Accepts writes; reads fall back to it. */
    PRIMARY,
    /** A hot standby that serves reads. */
    REPLICA
}
