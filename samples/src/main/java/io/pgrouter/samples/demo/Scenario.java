package io.pgrouter.samples.demo;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PostgresNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scripted events of the demo, each at a fraction of the run's duration: planned maintenance of a replica
 * (drain, stop, start, undrain), replication lag (replay paused past the threshold, then resumed), and the feature
 * flag (replicas off, then on).
 */
final class Scenario {

    /** One step: at {@code at} (a fraction of the run) do {@code action}, shown as {@code phase} from then on. */
    record Step(double at, String phase, String description, Runnable action) {}

    private Scenario() {}

    /**
     * The steps of the scenarios named ({@code all}, {@code replica-stop}, {@code lag}, {@code flag}, {@code none},
     * {@code consistency}: its steps come from {@link ReadYourWritesCheck}).
     */
    static List<Step> steps(String name, RoutingDataSource router, PostgresNode replica) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!List.of("all", "replica-stop", "lag", "flag", "none", ReadYourWritesCheck.SCENARIO)
                .contains(n)) {
            throw new IllegalArgumentException(
                    "--scenario must be one of all, replica-stop, lag, flag, none, consistency; was '" + name + "'");
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
        return steps;
    }
}
