package io.pgrouter;

import java.util.Collection;

/**
 * A node name that the router (or its builder) does not know. The message lists the names it does know.
 */
public final class UnknownNodeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String name;

    private UnknownNodeException(String message, String name) {
        super(message);
        this.name = name;
    }

    /** No node of any role has this name. */
    public static UnknownNodeException node(String name, Collection<String> known) {
        return new UnknownNodeException("no node named '" + name + "'; nodes: " + known, name);
    }

    /** No replica has this name (there may be a primary of that name). */
    public static UnknownNodeException replica(String name, Collection<String> known) {
        return new UnknownNodeException("no replica named '" + name + "'; replicas: " + known, name);
    }

    /** The name asked for. */
    public String name() {
        return name;
    }
}
