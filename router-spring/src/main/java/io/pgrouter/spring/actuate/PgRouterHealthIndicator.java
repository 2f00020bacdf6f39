package io.pgrouter.spring.actuate;

import io.pgrouter.HealthState;
import io.pgrouter.NodeRole;
import io.pgrouter.NodeStatus;
import io.pgrouter.RouterStatus;
import io.pgrouter.RoutingDataSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The router's health from what its health monitor last saw ({@link RoutingDataSource#status()}): no I/O, so a health
 * check can never pile up on a stuck database. DOWN when the primary is unreachable or the router is closed; UNKNOWN
 * before the first probe; otherwise UP, with each replica's state in the details: reads fall back to the primary while
 * replicas lag or are down, so the application still serves.
 */
public class PgRouterHealthIndicator implements HealthIndicator {

    private final RoutingDataSource router;

    public PgRouterHealthIndicator(RoutingDataSource router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    public Health health() {
        if (router.isClosed()) {
            return Health.down().withDetail("reason", "router closed").build();
        }
        RouterStatus status = router.status();
        NodeStatus primary = status.primary();
        Health.Builder health = switch (primary.health()) {
            case UNREACHABLE -> Health.down();
            case UNKNOWN -> Health.unknown();
            default -> Health.up();
        };
        Map<String, Object> replicas = new LinkedHashMap<>();
        for (NodeStatus replica : status.replicas()) {
            replicas.put(replica.name(), node(replica));
        }
        return health.withDetail("primary", node(primary))
                .withDetail("replicas", replicas)
                .withDetail(
                        "eligibleReplicas",
                        status.replicas().stream().filter(NodeStatus::eligible).count())
                .withDetail("replicasEnabled", status.replicasEnabled())
                .withDetail("forcePrimary", status.forcePrimary())
                .build();
    }

    private static Map<String, Object> node(NodeStatus node) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", node.name());
        details.put("health", node.health().name().toLowerCase(Locale.ROOT));
        if (node.role() == NodeRole.REPLICA) {
            details.put("eligible", node.eligible());
            details.put("state", node.state());
            if (node.health() != HealthState.UNREACHABLE && node.lagBytes() >= 0) {
                details.put("lagBytes", node.lagBytes());
            }
            if (node.health() != HealthState.UNREACHABLE && node.lagMillis() >= 0) {
                details.put("lagMillis", node.lagMillis());
            }
        }
        if (node.notEligibleReason() != null) {
            details.put("reason", node.notEligibleReason());
        }
        details.put("breaker", node.breakerState());
        return details;
    }
}
