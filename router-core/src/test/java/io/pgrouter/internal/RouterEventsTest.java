package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.FallbackEvent;
import io.pgrouter.HealthState;
import io.pgrouter.NodeRole;
import io.pgrouter.NodeStateChangeEvent;
import io.pgrouter.RecordingListener;
import io.pgrouter.RoleChangeEvent;
import io.pgrouter.RouterListener;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.NodeHealth;
import io.pgrouter.internal.health.ReplicaLag;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterEventsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final TestNodes nodes = new TestNodes(2);
    private final RecordingListener recorder = new RecordingListener();
    private final RouterEvents events = new RouterEvents(List.of(recorder), Clock.fixed(NOW, ZoneOffset.UTC));

    private static NodeHealth health(String node, HealthState state, boolean inRotation, String reason) {
        return new NodeHealth(
                node,
                state,
                inRotation,
                reason,
                !node.equals("primary"),
                new ReplicaLag(0, 0, ReplicaLag.Basis.WAL_HISTORY),
                1,
                false,
                1,
                1_000_000,
                0,
                false);
    }

    private static HealthReport report(String primary, boolean roleChanged, NodeHealth... health) {
        return new HealthReport(primary, List.of(health), roleChanged);
    }

    /** Publishes a round over {@code before} as the runtime does and returns the snapshot after it. */
    private TopologySnapshot round(TopologySnapshot before, HealthReport report) {
        TopologySnapshot after = before.withHealth(report, List.of("primary", "replica-1", "replica-2"));
        events.afterRound(before, after, report);
        return after;
    }

    /** Every node probed healthy once; what that round fired is forgotten. */
    private TopologySnapshot allHealthy() {
        TopologySnapshot after = round(
                nodes.snapshot(true),
                report(
                        "primary",
                        false,
                        health("primary", HealthState.HEALTHY, true, null),
                        health("replica-1", HealthState.HEALTHY, true, null),
                        health("replica-2", HealthState.HEALTHY, true, null)));
        recorder.clear();
        return after;
    }

    @Test
    void theFirstRoundReportsTheNodesThatWereNotProbedYet() {
        TopologySnapshot before = nodes.snapshot(true);
        round(
                before,
                report(
                        "primary",
                        false,
                        health("primary", HealthState.HEALTHY, true, null),
                        health("replica-1", HealthState.HEALTHY, true, null),
                        health("replica-2", HealthState.HEALTHY, true, null)));
        assertThat(recorder.all())
                .singleElement()
                .hasToString(
                        "Node primary (primary): UNKNOWN -> HEALTHY, back in rotation at " + "2026-01-02T03:04:05Z");
    }

    @Test
    void aReplicaLeavingRotationIsOneStateChangeWithItsReason() {
        round(
                allHealthy(),
                report(
                        "primary",
                        false,
                        health("primary", HealthState.HEALTHY, true, null),
                        health("replica-1", HealthState.UNREACHABLE, false, "probe failed: refused"),
                        health("replica-2", HealthState.HEALTHY, true, null)));

        assertThat(recorder.all()).singleElement().isInstanceOfSatisfying(NodeStateChangeEvent.class, e -> {
            assertThat(e.node()).isEqualTo("replica-1");
            assertThat(e.role()).isEqualTo(NodeRole.REPLICA);
            assertThat(e.from()).isEqualTo(HealthState.HEALTHY);
            assertThat(e.to()).isEqualTo(HealthState.UNREACHABLE);
            assertThat(e.wasInRotation()).isTrue();
            assertThat(e.inRotation()).isFalse();
            assertThat(e.at()).isEqualTo(NOW);
            assertThat(e)
                    .hasToString("Node replica-1 (replica): HEALTHY -> UNREACHABLE, out of rotation: probe failed: "
                            + "refused at 2026-01-02T03:04:05Z");
        });
    }

    @Test
    void fallbackStartsWhenTheLastReplicaLeavesAndEndsWhenOneReturns() {
        TopologySnapshot after = round(
                allHealthy(),
                report(
                        "primary",
                        false,
                        health("primary", HealthState.HEALTHY, true, null),
                        health("replica-1", HealthState.LAGGING, false, "lag 99 bytes > max-bytes 1"),
                        health("replica-2", HealthState.UNREACHABLE, false, "probe failed: refused")));
        assertThat(recorder.of(FallbackEvent.class)).singleElement().isInstanceOfSatisfying(FallbackEvent.class, e -> {
            assertThat(e.started()).isTrue();
            assertThat(e.eligibleReplicas()).isEmpty();
            assertThat(e.notEligible()).containsOnlyKeys("replica-1", "replica-2");
            assertThat(e.notEligible().get("replica-1")).contains("lag 99 bytes");
            assertThat(e.toString()).startsWith("Reads fall back to the primary: no eligible replica {replica-1=");
        });
        assertThat(events.inFallback()).isTrue();

        recorder.clear();
        round(
                after,
                report(
                        "primary",
                        false,
                        health("primary", HealthState.HEALTHY, true, null),
                        health("replica-1", HealthState.LAGGING, false, "lag 99 bytes > max-bytes 1"),
                        health("replica-2", HealthState.UNREACHABLE, false, "probe failed: refused")));
        assertThat(recorder.all()).as("no change, no event").isEmpty();

        round(
                after,
                report(
                        "primary",
                        false,
                        health("primary", HealthState.HEALTHY, true, null),
                        health("replica-1", HealthState.HEALTHY, true, null),
                        health("replica-2", HealthState.UNREACHABLE, false, "probe failed: refused")));
        assertThat(recorder.of(FallbackEvent.class)).singleElement().isInstanceOfSatisfying(FallbackEvent.class, e -> {
            assertThat(e.started()).isFalse();
            assertThat(e.eligibleReplicas()).containsExactly("replica-1");
            assertThat(e).hasToString("Reads go to replicas again: [replica-1] eligible at 2026-01-02T03:04:05Z");
        });
        assertThat(events.inFallback()).isFalse();
    }

    @Test
    void noFallbackWhileReplicasAreSwitchedOff() {
        events.checkFallback(nodes.snapshot(false)
                .withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED))
                .withReplica("replica-2", s -> s.withOperatorState(OperatorState.DRAINED)));
        assertThat(recorder.all()).isEmpty();

        events.checkFallback(nodes.snapshot(true)
                .withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED))
                .withReplica("replica-2", s -> s.withOperatorState(OperatorState.DRAINED)));
        assertThat(recorder.all())
                .singleElement()
                .isInstanceOfSatisfying(
                        FallbackEvent.class,
                        e -> assertThat(e.notEligible()).containsEntry("replica-1", "drained by an operator"));
    }

    @Test
    void aPromotionIsARoleChange() {
        round(
                allHealthy(),
                report(
                        "replica-2",
                        true,
                        health("primary", HealthState.UNREACHABLE, false, "probe failed: refused"),
                        health("replica-1", HealthState.HEALTHY, true, null),
                        health("replica-2", HealthState.HEALTHY, true, null)));

        assertThat(recorder.of(RoleChangeEvent.class))
                .singleElement()
                .isInstanceOfSatisfying(RoleChangeEvent.class, e -> {
                    assertThat(e.oldPrimary()).isEqualTo("primary");
                    assertThat(e.newPrimary()).isEqualTo("replica-2");
                    assertThat(e).hasToString("Primary primary -> replica-2 at 2026-01-02T03:04:05Z");
                });
        assertThat(recorder.of(NodeStateChangeEvent.class))
                .extracting(NodeStateChangeEvent::node)
                .containsExactly("primary");
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        RouterEvents withBadFirst = new RouterEvents(
                List.of(
                        new RouterListener() {
                            @Override
                            public void onNodeStateChange(NodeStateChangeEvent event) {
                                throw new IllegalStateException("listener bug");
                            }
                        },
                        recorder),
                Clock.systemUTC());
        TopologySnapshot before = allHealthy();
        HealthReport report = report(
                "primary",
                false,
                health("primary", HealthState.HEALTHY, true, null),
                health("replica-1", HealthState.UNREACHABLE, false, "probe failed: refused"),
                health("replica-2", HealthState.HEALTHY, true, null));

        withBadFirst.afterRound(
                before, before.withHealth(report, List.of("primary", "replica-1", "replica-2")), report);

        assertThat(recorder.all()).hasSize(1);
    }

    @Test
    void removedListenersHearNothing() {
        events.remove(recorder);
        events.checkFallback(nodes.snapshot(true)
                .withReplica("replica-1", s -> s.withOperatorState(OperatorState.DRAINED))
                .withReplica("replica-2", s -> s.withOperatorState(OperatorState.DRAINED)));
        assertThat(recorder.all()).isEmpty();
        assertThat(events.inFallback()).isTrue();
    }
}
