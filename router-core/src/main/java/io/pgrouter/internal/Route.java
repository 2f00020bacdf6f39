package io.pgrouter.internal;

import io.pgrouter.RouteReason;

/**
 * A routing decision: the node and why. Each {@link Node} holds one per reason, so deciding allocates nothing.
 *
 * @param node where the connection goes
 * @param reason why
 */
public record Route(Node node, RouteReason reason) {}
