package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.NodeState;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A frozen node (SIGSTOP: its port accepts TCP, nothing answers) never holds a thread of the application or of the
 * monitor: a close blocked on it is cut, and nothing a listener throws stops the monitor.
 */
@PostgresReplicaSet(replicas = 2, isolated = true)
class FrozenNodeIT {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** Far beyond the detection (two probe timeouts), far below TCP giving up (minutes), for a loaded machine. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    static ReplicaSet cluster;

    @Test
    void aCloseBlockedOnAFrozenReplicaIsCutWhenTheMonitorFindsItSilent() throws Exception {
        aCloseBlockedOnAFrozenReplicaIsCutWhenTheMonitorFindsItSilent(cluster, TestRouters.routerFor(cluster));
    }

    /**
     * The scenario of a frozen replica, on any cluster of a primary and two replicas named as the kit names them;
     * {@code routerFor} has every node (and, for TLS, how to verify them).
     */
    static void aCloseBlockedOnAFrozenReplicaIsCutWhenTheMonitorFindsItSilent(
            ReplicaSet cluster, RoutingDataSource.Builder routerFor) throws Exception {
        try (RoutingDataSource router = routerFor.probeInterval(INTERVAL).build()) {
            awaitBothReplicasInRotation(router);
            Connection c = openReadTransaction(router);
            PostgresNode replica = cluster.node(Where.of(c).node(cluster));
            ExecutorService closer = Executors.newSingleThreadExecutor();
            replica.freeze();
            try {
                // HikariCP rolls the open transaction back on close: on the frozen server that waits until cut.
                long started = System.nanoTime();
                Future<?> closed = closer.submit(() -> {
                    c.close();
                    return null;
                });
                closed.get(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                System.out.printf(
                        "A close blocked on frozen %s returned after %d ms%n",
                        replica.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertThat(c.isClosed()).isTrue();
                assertThat(router.status().node(replica.name()).inFlight()).isZero();
            } finally {
                replica.thaw();
                closer.shutdownNow();
            }
            awaitBothReplicasInRotation(router);
            try (Connection after = openReadTransaction(router)) {
                assertThat(Where.of(after).inRecovery()).isTrue();
            }
        }
    }

    @Test
    void aCloseOnAReplicaKnownSilentReturnsAtOnceEvenWithoutAbortOnTimeout() throws Exception {
        try (RoutingDataSource router = TestRouters.routerFor(cluster)
                .probeInterval(INTERVAL)
                .abortOnProbeTimeout(false)
                .build()) {
            awaitBothReplicasInRotation(router);
            Connection c = openReadTransaction(router);
            PostgresNode replica = cluster.node(Where.of(c).node(cluster));
            ExecutorService closer = Executors.newSingleThreadExecutor();
            replica.freeze();
            try {
                RouterRuntime runtime = router.unwrap(RouterRuntime.class);
                Awaitility.await("two probes of the frozen replica timed out")
                        .atMost(DEADLINE)
                        .until(() -> runtime.router()
                                        .topology()
                                        .current()
                                        .node(replica.name())
                                        .health()
                                        .consecutiveFailures()
                                >= NodeState.FAILED_PROBES_FOR_DOWN);
                long started = System.nanoTime();
                closer.submit(() -> {
                            c.close();
                            return null;
                        })
                        .get(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                System.out.printf("A close on %s, known silent, returned after %d ms%n", replica.name(), millis);
                assertThat(router.status().node(replica.name()).inFlight()).isZero();
            } finally {
                replica.thaw();
                closer.shutdownNow();
            }
            awaitBothReplicasInRotation(router);
        }
    }

    @Test
    void listenersAndObserversThatThrowNeverStopTheMonitor() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        RouterListener throwsRuntime = new RouterListener() {
            @Override
            public void onNodeStateChange(NodeStateChangeEvent event) {
                heard.incrementAndGet();
                throw new IllegalStateException("listener failure on purpose");
            }
        };
        RouterListener throwsError = new RouterListener() {
            @Override
            public void onNodeStateChange(NodeStateChangeEvent event) {
                throw new Error("listener error on purpose");
            }
        };
        AtomicInteger rounds = new AtomicInteger();
        Consumer<HealthReport> counts = report -> rounds.incrementAndGet();
        Consumer<HealthReport> throwsObserver = report -> {
            throw new UnsupportedOperationException("observer failure on purpose");
        };
        try (RoutingDataSource router = TestRouters.routerFor(cluster)
                .probeInterval(INTERVAL)
                .listener(throwsRuntime)
                .listener(throwsError)
                .build()) {
            RouterRuntime runtime = router.unwrap(RouterRuntime.class);
            runtime.addRoundObserver(throwsObserver);
            runtime.addRoundObserver(counts);
            awaitBothReplicasInRotation(router);
            PostgresNode replica = cluster.replica(1);
            replica.freeze();
            try {
                Awaitility.await("replica out")
                        .atMost(DEADLINE)
                        .until(() -> !router.status().node(replica.name()).eligible());
            } finally {
                replica.thaw();
            }
            // Back in rotation takes rounds after the ones whose listeners threw.
            awaitBothReplicasInRotation(router);
            int before = rounds.get();
            Awaitility.await("rounds go on").atMost(DEADLINE).until(() -> rounds.get() >= before + 5);
            System.out.printf(
                    "Listeners threw on %d state changes; %d rounds observed, the monitor still runs%n",
                    heard.get(), rounds.get());
            assertThat(heard.get()).isGreaterThanOrEqualTo(2);
        }
    }

    private static Connection openReadTransaction(RoutingDataSource router) throws SQLException {
        Connection c = router.getConnection();
        c.setReadOnly(true);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
        return c;
    }

    private static void awaitBothReplicasInRotation(RoutingDataSource router) {
        Awaitility.await("both replicas in rotation")
                .atMost(DEADLINE)
                .until(() -> router.status().node("replica-1").eligible()
                        && router.status().node("replica-2").eligible());
    }
}
