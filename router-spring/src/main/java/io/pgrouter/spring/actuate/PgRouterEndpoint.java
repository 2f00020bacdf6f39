package io.pgrouter.spring.actuate;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.UnknownNodeException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code pgrouter} actuator endpoint: {@code GET /actuator/pgrouter} shows the router's status (as
 * {@code RouterStatus.toJson()} has it), {@code GET /actuator/pgrouter/{node}} one node's. The write operation,
 * {@code POST /actuator/pgrouter} with any of {@code replicasEnabled}, {@code forcePrimary}, {@code drain},
 * {@code undrain}, flips the router's runtime switches; it is unavailable until the application grants it with
 * {@code management.endpoint.pgrouter.access=unrestricted}.
 */
@Endpoint(id = "pgrouter", defaultAccess = Access.READ_ONLY)
public class PgRouterEndpoint {

    private final RoutingDataSource router;

    public PgRouterEndpoint(RoutingDataSource router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    /** The router's status: switches, thresholds and every node. */
    @ReadOperation
    public Map<String, Object> status() {
        return StatusMaps.parse(router.status().toJson());
    }

    /** One node's status, or {@code null} (404) for an unknown name. */
    @ReadOperation
    public @Nullable Map<String, Object> node(@Selector String name) {
        try {
            return StatusMaps.parse(router.status().node(name).toJson());
        } catch (UnknownNodeException e) {
            return null;
        }
    }

    /**
     * Applies the switches given, in this order: replicas on or off, force primary on or off, drain a replica,
     * undrain a replica. Returns the status after them.
     *
     * @param replicasEnabled whether reads may use replicas
     * @param forcePrimary whether every new connection goes to the primary
     * @param drain a replica to take out of rotation
     * @param undrain a drained replica to put back
     */
    @WriteOperation
    public Map<String, Object> update(
            @Nullable Boolean replicasEnabled,
            @Nullable Boolean forcePrimary,
            @Nullable String drain,
            @Nullable String undrain) {
        if (replicasEnabled == null && forcePrimary == null && drain == null && undrain == null) {
            throw new InvalidEndpointRequestException(
                    "no switch given", "give at least one of replicasEnabled, forcePrimary, drain, undrain");
        }
        checkReplica(drain);
        checkReplica(undrain);
        if (replicasEnabled != null) {
            router.setReplicasEnabled(replicasEnabled);
        }
        if (forcePrimary != null) {
            router.setForcePrimary(forcePrimary);
        }
        if (drain != null) {
            router.drain(drain);
        }
        if (undrain != null) {
            router.undrain(undrain);
        }
        return status();
    }

    /** Checked before any switch moves, so that a bad request changes nothing. */
    private void checkReplica(@Nullable String node) {
        if (node != null
                && router.status().replicas().stream().noneMatch(r -> r.name().equals(node))) {
            throw new InvalidEndpointRequestException(
                    "no replica named '" + node + "'",
                    "no replica named '" + node + "'; replicas: "
                            + router.status().replicas().stream()
                                    .map(r -> r.name())
                                    .toList());
        }
    }
}
