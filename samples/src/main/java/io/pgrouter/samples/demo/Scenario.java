package io.pgrouter.samples.demo;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.SwitchoverOptions;
import io.pgrouter.SwitchoverReport;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The scripted events of the demo, each at a fraction of the run's duration: planned maintenance of a replica
 * (drain, stop, start, undrain), replication lag (replay paused past the threshold, then resumed), and the feature
 * flag (replicas off, then on); and, on its own, a planned switchover of the primary to the replica and back.
 */
final class Scenario {

    /** One step: at {@code at} (a fraction of the run) do {@code action}, shown as {@code phase} from then on. */
    record Step(double at, String phase, String description, Runnable action) {}

    private Scenario() {}

    /**
     * The steps of the scenarios named ({@code all}, {@code replica-stop}, {@code lag}, {@code flag}, {@code none},
     * {@code consistency}: its steps come from {@link ReadYourWritesCheck}; {@code switchover}; {@code cutover}: its
     * steps come from {@link CutoverUpgrade}; the last three are not part of {@code all}).
     */
    static List<Step> steps(
            String name, RoutingDataSource router, PostgresNode replica, ReplicaSet cluster, PrintStream out) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!List.of(
                        "all",
                        "replica-stop",
                        "lag",
                        "flag",
                        "none",
                        ReadYourWritesCheck.SCENARIO,
                        "switchover",
                        CutoverUpgrade.SCENARIO)
                .contains(n)) {
            throw new IllegalArgumentException("--scenario must be one of all, replica-stop, lag, flag, none,"
                    + " consistency, switchover, cutover; was '" + name + "'");
        }
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(0, "steady", "mixed load on primary + replica", () -> {}));
        if (n.equals("all") || n.equals("replica-stop")) {
            steps.add(new Step(
                    0.12,
                    "replica drained",
                    "drain " + replica.name() + ": no new reads go there",
                    () -> router.drain(replica.name())));
            steps.add(new Step(0.16, "replica stopped", "stop " + replica.name() + " (fast shutdown)", replica::stop));
            steps.add(new Step(0.28, "replica restarted", "start " + replica.name() + " and undrain it", () -> {
                replica.start();
                router.undrain(replica.name());
            }));
        }
        if (n.equals("all") || n.equals("lag")) {
            steps.add(new Step(
                    0.40,
                    "replay paused",
                    "pause WAL replay on " + replica.name() + ": lag grows past max-delay",
                    replica::pauseReplay));
            steps.add(new Step(
                    0.55,
                    "replay resumed",
                    "resume replay: " + replica.name() + " returns after the hysteresis",
                    replica::resumeReplay));
        }
        if (n.equals("all") || n.equals("flag")) {
            steps.add(new Step(
                    0.68,
                    "replicas off (flag)",
                    "setReplicasEnabled(false): every read to the primary",
                    () -> router.setReplicasEnabled(false)));
            steps.add(new Step(
                    0.82, "replicas on (flag)", "setReplicasEnabled(true)", () -> router.setReplicasEnabled(true)));
        }
        if (n.equals("switchover")) {
            String primary = cluster.primary().name();
            steps.add(new Step(
                    0.15,
                    "primary on " + replica.name(),
                    "switchover to " + replica.name() + " under load",
                    () -> switchover(router, cluster, replica.name(), out)));
            steps.add(new Step(
                    0.55,
                    "primary on " + primary,
                    "switchover back to " + primary + " under load",
                    () -> switchover(router, cluster, primary, out)));
        }
        return steps;
    }

    /**
     * Moves the primary to {@code target} through the service's router, prints the report, then has the test kit
     * re-point the cluster and rejoin the old primary as a standby of the new one (an operator's or a manager's job).
     *
     * @throws IllegalStateException when the switchover did not complete: the demo then fails
     */
    private static void switchover(RoutingDataSource router, ReplicaSet cluster, String target, PrintStream out) {
        SwitchoverReport report = router.switchover(target, SwitchoverOptions.ofDefaults());
        out.print(report.toText().indent(6));
        // A failed check changed nothing (on a busy machine a slow probe takes the target out of rotation for a few
        // probes): as an operator would, wait until the target is back in rotation and run it again.
        for (int attempt = 1; attempt < 3 && report.result() == SwitchoverReport.Result.CHECKS_FAILED; attempt++) {
            out.printf("  >>> checks failed; again once %s is in rotation%n", target);
            awaitInRotation(router, target);
            report = router.switchover(target, SwitchoverOptions.ofDefaults());
            out.print(report.toText().indent(6));
        }
        if (!report.completed()) {
            throw new IllegalStateException("the switchover did not complete: " + report);
        }
        out.printf("  >>> rejoin %s as a standby of %s (online copy)%n", report.from(), target);
        cluster.adoptPromotion(cluster.node(target));
        cluster.rejoinAsStandby(cluster.node(report.from()));
    }

    private static void awaitInRotation(RoutingDataSource router, String node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!router.status().node(node).eligible() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // bounded polling of in-memory state
        }
    }
}
