package io.pgrouter.samples.demo;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One run of the demo: load, live table every second, scripted steps, summary. */
public final class DemoRun {

    private final RoutingDataSource router;
    private final PostgresNode replica;
    private final ReplicaSet cluster;
    private final String baseUrl;
    private final int opsPerSecond;
    private final Duration duration;
    private final String scenario;
    private final CutoverUpgrade upgrade;
    private final PrintStream out;

    /** @param upgrade the {@code cutover} scenario's target and subscription, {@code null} for another scenario */
    public DemoRun(
            RoutingDataSource router,
            PostgresNode replica,
            ReplicaSet cluster,
            String baseUrl,
            int opsPerSecond,
            Duration duration,
            String scenario,
            CutoverUpgrade upgrade,
            PrintStream out) {
        this.router = router;
        this.replica = replica;
        this.cluster = cluster;
        this.baseUrl = baseUrl;
        this.opsPerSecond = opsPerSecond;
        this.duration = duration;
        this.scenario = scenario;
        this.upgrade = upgrade;
        this.out = out;
    }

    /**
     * Runs the load for the duration (or until the JVM is asked to stop) and prints the summary.
     *
     * @return how many requests failed
     */
    public long run() throws InterruptedException {
        return runUntilDone();
    }

    /** Whether the last run was stopped by Ctrl-C. */
    public boolean interrupted() {
        return wasInterrupted;
    }

    private boolean wasInterrupted;

    private long runUntilDone() throws InterruptedException {
        List<Scenario.Step> steps = new java.util.ArrayList<>(Scenario.steps(scenario, router, replica, cluster, out));
        ReadYourWritesCheck readYourWrites = new ReadYourWritesCheck(baseUrl, replica, out);
        steps.addAll(readYourWrites.steps(scenario));
        if (upgrade != null) {
            steps.addAll(upgrade.steps(router));
        }
        steps.sort(java.util.Comparator.comparingDouble(Scenario.Step::at));
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        String phase = steps.get(0).phase();
        int next = 1;
        // Ctrl-C (SIGINT) ends the load, not the JVM: the summary is printed and the service and the cluster close
        // in order. As a shutdown hook it would race the test kit's own hook, which stops the servers under the load.
        Thread mainThread = Thread.currentThread();
        CtrlC ctrlC = CtrlC.install(mainThread);
        boolean interrupted = false;
        LiveTable table;
        try (LoadDriver load = new LoadDriver(baseUrl, opsPerSecond, 2000)) {
            table = new LiveTable(router, load, out);
            long tick = start;
            while (System.nanoTime() < end) {
                while (next < steps.size()
                        && System.nanoTime() - start >= (long) (steps.get(next).at() * duration.toNanos())) {
                    Scenario.Step step = steps.get(next++);
                    out.printf("  >>> %s%n", step.description());
                    step.action().run();
                    phase = step.phase();
                }
                tick += 1_000_000_000L;
                long sleep = Math.min(tick, end) - System.nanoTime();
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                        out.printf("  >>> interrupted: stopping the load%n");
                        break;
                    }
                }
                table.print(phase);
            }
            // Leave the cluster whole whatever step the run stopped at.
            restore();
            load.close();
            wasInterrupted = interrupted;
            long failed = load.failureCount() + readYourWrites.failures();
            printSummary(load, table, Duration.ofNanos(System.nanoTime() - start), interrupted, failed);
            return failed;
        } finally {
            ctrlC.uninstall();
            Thread.interrupted();
        }
    }

    private void restore() {
        router.setReplicasEnabled(true);
        if (!replica.isRunning()) {
            replica.start();
        }
        try {
            replica.resumeReplay();
        } catch (RuntimeException ignored) {
            // not paused
        }
        // After a cutover the router runs on the other cluster, which does not have this replica.
        if (router.status().nodes().stream().anyMatch(n -> n.name().equals(replica.name()))) {
            router.undrain(replica.name());
        }
    }

    private void printSummary(LoadDriver load, LiveTable table, Duration ran, boolean interrupted, long failed) {
        Map<String, Long> counts = load.counts();
        Map<String, Long> failures = load.failures();
        long requests = counts.getOrDefault("insert", 0L)
                + counts.getOrDefault("update", 0L)
                + counts.getOrDefault("delete", 0L)
                + counts.getOrDefault("read", 0L);
        out.printf("%nSummary after %.1f s%s%n", ran.toMillis() / 1000.0, interrupted ? " (interrupted)" : "");
        out.printf("  requests ok: %d  %s%n", requests, counts);
        out.printf("  requests failed: %d%s%n", load.failureCount(), failures.isEmpty() ? "" : "  " + failures);
        out.printf("  fallbacks to the primary (connections): %d%n", LiveTable.fallbacks(router.status()));
        out.printf("  max replica lag seen: %d bytes, %d ms%n", table.maxLagBytes(), table.maxLagMillis());
        out.printf(
                "  result: %s%n",
                failed == 0
                        ? "OK, no request failed"
                        : "FAILED, " + failed + " request(s) failed or read-your-writes checks missed their write");
    }
}
