package io.pgrouter.internal;

import io.pgrouter.FallbackEvent;
import io.pgrouter.NodeStateChangeEvent;
import io.pgrouter.RoleChangeEvent;
import io.pgrouter.RouterListener;
import io.pgrouter.TopologyChangeEvent;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.NodeHealth;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Turns topology changes into {@link RouterListener} events. Runs off the routing path: on the monitor thread
 * after each probe round, and on the thread of an operator action that publishes a snapshot.
 */
final class RouterEvents {

    private static final Logger LOG = RouterLog.LOG;

    private final List<RouterListener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private boolean fallback;

    RouterEvents(List<RouterListener> initial, Clock clock) {
        initial.forEach(this::add);
        this.clock = clock;
    }

    void add(RouterListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(RouterListener listener) {
        listeners.remove(listener);
    }

    /** Fires the events of one probe round: state changes, a role change, then the fallback if it changed. */
    void afterRound(TopologySnapshot before, TopologySnapshot after, HealthReport report) {
        Instant now = clock.instant();
        for (NodeHealth h : report.nodes()) {
            NodeState beforeState = before.find(h.node());
            if (beforeState == null || after.find(h.node()) == null) {
                continue; // joined or left between the two snapshots: that event was fired on its own
            }
            NodeHealth was = beforeState.health();
            if (was.state() != h.state() || was.inRotation() != h.inRotation()) {
                // The monitor already logged the change at INFO.
                NodeStateChangeEvent event = new NodeStateChangeEvent(
                        now,
                        h.node(),
                        after.node(h.node()).role(),
                        was.state(),
                        h.state(),
                        was.inRotation(),
                        h.inRotation(),
                        h.reason());
                fire(event, l -> l.onNodeStateChange(event));
            }
        }
        if (report.roleChanged()) {
            RoleChangeEvent event = new RoleChangeEvent(
                    now, before.primary().name(), after.primary().name());
            fire(event, l -> l.onRoleChange(event));
        }
        checkFallback(after);
    }

    /** Fires a {@link TopologyChangeEvent}: a node joined or left. */
    void membership(String node, boolean added, String reason) {
        TopologyChangeEvent event = new TopologyChangeEvent(clock.instant(), node, added, reason);
        fire(event, l -> l.onTopologyChange(event));
    }

    /**
     * Fires a fallback event when {@code snapshot} starts or ends one. Synchronized because both the monitor and
     * operator actions publish snapshots; the check is cheap and rare.
     */
    synchronized void checkFallback(TopologySnapshot snapshot) {
        List<String> eligible = new ArrayList<>();
        Map<String, String> notEligible = new LinkedHashMap<>();
        for (NodeState replica : snapshot.replicas()) {
            // Eligible as the routing path sees it: the snapshot's verdict and a breaker that lets calls through.
            String why = replica.unusableReason();
            if (why == null) {
                eligible.add(replica.name());
            } else {
                notEligible.put(replica.name(), why);
            }
        }
        boolean now = snapshot.replicasEnabled() && !snapshot.replicas().isEmpty() && eligible.isEmpty();
        if (now == fallback) {
            return;
        }
        fallback = now;
        FallbackEvent event = new FallbackEvent(clock.instant(), now, eligible, notEligible);
        LOG.info("{}", event);
        fire(event, now ? l -> l.onFallbackStarted(event) : l -> l.onFallbackEnded(event));
    }

    /** Whether reads fall back to the primary now, as last checked. */
    synchronized boolean inFallback() {
        return fallback;
    }

    private void fire(Object event, Consumer<RouterListener> call) {
        if (listeners.isEmpty()) {
            return;
        }
        LOG.debug("Event to {} listener(s): {}", listeners.size(), event);
        for (RouterListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // A listener must never stop the monitor or an operator action.
                LOG.warn("Listener {} failed on {}", listener, event, e);
            }
        }
    }
}
