package io.pgrouter.spring.actuate;

import io.pgrouter.CutoverOptions;
import io.pgrouter.RouterStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.SwitchoverOptions;
import io.pgrouter.UnknownNodeException;
import java.util.List;
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
 * {@code undrain}, flips the router's runtime switches; {@code POST /actuator/pgrouter/switchover} with {@code to}
 * runs a planned switchover, {@code POST /actuator/pgrouter/cutover} a cutover to the configured target (each a dry
 * run unless {@code dryRun} is {@code false}), and returns its report. {@code GET /actuator/pgrouter/cutover} shows
 * the cutover target's last readiness check and the last cutover (the status's {@code cutover} object). The write
 * operations are unavailable until the application grants them with
 * {@code management.endpoint.pgrouter.access=unrestricted}.
 */
@Endpoint(id = "pgrouter", defaultAccess = Access.READ_ONLY)
public class PgRouterEndpoint {

    private static final String SWITCHOVER = "switchover";
    private static final String CUTOVER = "cutover";

    private final RoutingDataSource router;

    public PgRouterEndpoint(RoutingDataSource router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    /** The router's status: switches, thresholds and every node. */
    @ReadOperation
    public Map<String, Object> status() {
        return StatusMaps.parse(router.status().toJson());
    }

    /**
     * One node's status; for {@code cutover} (unless a node has that name) the cutover target's last readiness check
     * and the last cutover, as the status's {@code cutover} object has them. {@code null} (404) for an unknown name,
     * and for {@code cutover} without a cutover target.
     */
    @ReadOperation
    public @Nullable Map<String, Object> node(@Selector String name) {
        RouterStatus status = router.status();
        try {
            return StatusMaps.parse(status.node(name).toJson());
        } catch (UnknownNodeException e) {
            if (CUTOVER.equals(name) && status.cutover() != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cutover =
                        (Map<String, Object>) StatusMaps.parse(status.toJson()).get(CUTOVER);
                return cutover;
            }
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

    /**
     * Runs a planned switchover of the primary to {@code to} (see {@code docs/switchover.md}), or a cutover to the
     * configured cutover target (see {@code docs/cutover.md}), and returns its report as {@code SwitchoverReport.toJson()}
     * or {@code CutoverReport.toJson()} has it. It is a dry run (every check and estimate, nothing changed) unless
     * {@code dryRun} is {@code false}, so that the first call made is always a harmless one. The request waits until
     * the operation has ended (at most {@code maxPause} plus {@code promoteTimeout}, or plus the cutover's steps). A
     * failed check or an aborted operation is a report with its {@code result}, not an error; a bad request (unknown
     * operation or node, no cutover target, a bad option or one of the other operation) is a 400 naming the value,
     * and changes nothing.
     *
     * @param operation {@code switchover} or {@code cutover}
     * @param to the node to make the primary
     * @param dryRun {@code false} to really move the primary; default {@code true}
     * @param maxPause the longest a write is held ({@code 5s} when absent), a duration such as {@code 5s}
     * @param drainTimeout how long running write transactions get ({@code 2s} when absent)
     * @param cancelAfterDrain end transactions still running after the drain instead of aborting
     * @param maxLagBytes the most the target may lag, in bytes of WAL
     * @param externalPromoter wait for something else to promote the target
     * @param promoteTimeout how long the promotion may take
     * @param subscription cutover: the subscription on the target (default: the only one in its database)
     * @param sequenceMargin cutover: increments past the source's last value for the target's sequences
     * @param disableSubscription cutover: disable the subscription after the swap
     * @param retireTimeout cutover: how long the source's pools wait for connections still in use
     */
    @WriteOperation
    public Map<String, Object> operation(
            @Selector String operation,
            @Nullable String to,
            @Nullable String dryRun,
            @Nullable String maxPause,
            @Nullable String drainTimeout,
            @Nullable String cancelAfterDrain,
            @Nullable String maxLagBytes,
            @Nullable String externalPromoter,
            @Nullable String promoteTimeout,
            @Nullable String subscription,
            @Nullable String sequenceMargin,
            @Nullable String disableSubscription,
            @Nullable String retireTimeout) {
        if (CUTOVER.equals(operation)) {
            refuseOptionsOfTheOther(
                    CUTOVER,
                    List.of(
                            "to",
                            "drainTimeout",
                            "cancelAfterDrain",
                            "maxLagBytes",
                            "externalPromoter",
                            "promoteTimeout"),
                    to,
                    drainTimeout,
                    cancelAfterDrain,
                    maxLagBytes,
                    externalPromoter,
                    promoteTimeout);
            return cutover(CutoverRequest.of(dryRun)
                    .subscription(subscription)
                    .maxPause(maxPause)
                    .sequenceMargin(sequenceMargin)
                    .disableSubscription(disableSubscription)
                    .retireTimeout(retireTimeout)
                    .build());
        }
        if (!SWITCHOVER.equals(operation)) {
            throw new InvalidEndpointRequestException(
                    "no operation '" + operation + "'",
                    "no operation '" + operation + "'; operations: [switchover, cutover]");
        }
        refuseOptionsOfTheOther(
                SWITCHOVER,
                List.of("subscription", "sequenceMargin", "disableSubscription", "retireTimeout"),
                subscription,
                sequenceMargin,
                disableSubscription,
                retireTimeout);
        if (to == null || to.isBlank()) {
            throw new InvalidEndpointRequestException(
                    "no target given", "give the node to switch over to as 'to'; nodes: " + nodeNames());
        }
        SwitchoverOptions options = SwitchoverRequest.of(dryRun)
                .maxPause(maxPause)
                .drainTimeout(drainTimeout)
                .cancelAfterDrain(cancelAfterDrain)
                .maxLagBytes(maxLagBytes)
                .externalPromoter(externalPromoter)
                .promoteTimeout(promoteTimeout)
                .build();
        try {
            return StatusMaps.parse(router.switchover(to, options).toJson());
        } catch (UnknownNodeException | IllegalStateException e) {
            // An unknown node, or a switchover already running on this router: nothing was changed.
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
    }

    private Map<String, Object> cutover(CutoverOptions options) {
        if (router.cutoverTarget().isEmpty()) {
            String reason = "no cutover target configured: set pgrouter.cutover.target.primary.url (docs/cutover.md)";
            throw new InvalidEndpointRequestException(reason, reason);
        }
        try {
            return StatusMaps.parse(router.cutover(options).toJson());
        } catch (IllegalStateException | IllegalArgumentException e) {
            // A cutover already running here, or one that is done: nothing was changed.
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
    }

    /** An option of the other operation is refused rather than ignored: the caller may have meant the other one. */
    private static void refuseOptionsOfTheOther(String operation, List<String> names, @Nullable String... values) {
        List<String> given = new java.util.ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (values[i] != null) {
                given.add(names.get(i));
            }
        }
        if (!given.isEmpty()) {
            String reason = "not options of " + operation + ": " + given;
            throw new InvalidEndpointRequestException(reason, reason);
        }
    }

    private List<String> nodeNames() {
        return router.status().nodes().stream().map(n -> n.name()).toList();
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
