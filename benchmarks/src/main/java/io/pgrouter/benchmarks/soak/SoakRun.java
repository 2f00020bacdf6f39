package io.pgrouter.benchmarks.soak;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.samples.demo.LoadDriver;
import io.pgrouter.samples.orders.OrdersOnCluster;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A soak: the demo's orders service on a primary and one replica, driven by the demo's load for a long time while
 * {@link SoakFault}s run on a schedule, with the JVM's and the servers' resources sampled throughout.
 *
 * <p>The run has three parts: a quiet warm-up (the first tenth), faults one after the other with a quiet gap between
 * them (up to three quarters of the run), and a quiet last quarter. Leaks that faults cause thus show as the last
 * window above the first; a request that failed while a fault was in place, or within {@link #FAULT_GRACE} after it
 * healed (the load's request timeout), counts as explained by it, any other as unexplained.
 */
final class SoakRun {

    /** How long after a fault healed a failure is still put down to it: the load's request timeout and some. */
    static final Duration FAULT_GRACE = Duration.ofSeconds(35);

    /**
     * Pools of a fixed size, as HikariCP advises: with the default minimum-idle a burst after a fault leaves its extra
     * connections open until they idle out, which would look like growth; a fixed pool holds the same count throughout,
     * so any growth in the servers' sessions is a leak.
     */
    static final Map<String, String> FIXED_POOLS = Map.of(
            "pgrouter.pool.primary.maximum-pool-size", "10",
            "pgrouter.pool.primary.minimum-idle", "10",
            "pgrouter.pool.replica.maximum-pool-size", "10",
            "pgrouter.pool.replica.minimum-idle", "10");

    private static final List<String> REQUEST_KINDS = List.of("insert", "update", "delete", "read");

    static final double WARM_UP_SHARE = 0.1;
    static final double FAULTS_UNTIL_SHARE = 0.75;
    static final double WINDOW_SHARE = 0.25;

    /**
     * @param duration how long the load runs
     * @param sampleEvery how often the resources are sampled (each sample forces a full collection)
     * @param hold how long a replica stays stopped or its replay paused
     * @param gap quiet time after each fault
     * @param writesPerSecond the load's writes per second; dashboard reads run at twice that
     */
    record Settings(Duration duration, Duration sampleEvery, Duration hold, Duration gap, int writesPerSecond) {}

    /** One fault of the schedule: when it started and when the cluster was whole again, in seconds since the start. */
    record FaultWindow(SoakFault fault, double startSeconds, double healedSeconds, String error) {

        boolean explains(double seconds) {
            return seconds >= startSeconds && seconds <= healedSeconds + FAULT_GRACE.toSeconds();
        }
    }

    /** Requests in one second of the run: answered with success, and failed. */
    record Second(double seconds, long succeeded, long failed) {}

    /** Everything a soak saw. */
    record Result(
            Settings settings,
            List<ResourceSample> samples,
            List<Second> seconds,
            List<FaultWindow> faults,
            Map<String, Long> failuresByReason,
            Map<String, Long> counts) {

        long succeeded() {
            return seconds.stream().mapToLong(Second::succeeded).sum();
        }

        long failedExplained() {
            return seconds.stream()
                    .filter(s -> faults.stream().anyMatch(f -> f.explains(s.seconds())))
                    .mapToLong(Second::failed)
                    .sum();
        }

        long failedUnexplained() {
            return seconds.stream().mapToLong(Second::failed).sum() - failedExplained();
        }

        /** The series judged flat or not, each with the tolerance it gets. */
        List<Flatness> flatness() {
            List<Flatness> verdicts = new ArrayList<>();
            // The live set moves with what HTTP, Tomcat and the pools buffer at the moment; a leak grows past this.
            verdicts.add(judge("heap after GC, MB", s -> s.heapAfterGcBytes() / 1048576.0, 0.20, 8));
            // Tomcat's and the HTTP client's workers grow while requests stall in a fault and shrink after a minute
            // idle: judged are the others (pgrouter's, the pools', the servers' own); a leaked one per fault shows.
            verdicts.add(judge(
                    "threads outside Tomcat's and the HTTP client's worker pools",
                    s -> (double) s.fixedThreads(),
                    0,
                    3));
            verdicts.add(judge("open file descriptors", s -> (double) s.openFiles(), 0, 10));
            // Counts that dip while a node is down and its pool refills: against the first window's highest.
            verdicts.add(
                    judgeAgainstHighest("pool connections, all nodes", s -> (double) s.totalPoolConnections(), 0, 2));
            verdicts.add(judgeAgainstHighest(
                    "server client sessions, all nodes",
                    s -> (double) s.serverSessions().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum(),
                    0,
                    2));
            return verdicts;
        }

        private Flatness judge(
                String metric, Function<ResourceSample, Double> value, double relative, double absolute) {
            return Flatness.judge(metric, points(value), WARM_UP_SHARE, WINDOW_SHARE, relative, absolute, false);
        }

        private Flatness judgeAgainstHighest(
                String metric, Function<ResourceSample, Double> value, double relative, double absolute) {
            return Flatness.judge(metric, points(value), WARM_UP_SHARE, WINDOW_SHARE, relative, absolute, true);
        }

        private List<Flatness.Point> points(Function<ResourceSample, Double> value) {
            return samples.stream()
                    .map(s -> new Flatness.Point(s.seconds(), value.apply(s)))
                    .toList();
        }
    }

    private SoakRun() {}

    /** Starts a cluster and the service, runs the soak and closes both; {@code log} gets progress lines. */
    static Result run(Settings settings, Function<PostgresReplicaSet, ReplicaSet> start, Consumer<String> log)
            throws InterruptedException {
        try (ReplicaSet cluster = start.apply(
                PostgresReplicaSet.builder().replicas(1).database("orders").user("app"))) {
            try (var service = OrdersOnCluster.start(cluster, FIXED_POOLS)) {
                RoutingDataSource router = service.getBean(RoutingDataSource.class);
                return drive(settings, cluster, router, OrdersOnCluster.baseUrl(service), log);
            }
        }
    }

    private static Result drive(
            Settings settings, ReplicaSet cluster, RoutingDataSource router, String baseUrl, Consumer<String> log)
            throws InterruptedException {
        List<ResourceSample> samples = new CopyOnWriteArrayList<>();
        List<Second> seconds = new CopyOnWriteArrayList<>();
        List<FaultWindow> faults = new ArrayList<>();
        long started = System.nanoTime();
        ScheduledExecutorService samplers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "soak-sampler");
            t.setDaemon(true);
            return t;
        });
        Map<String, Long> failures;
        Map<String, Long> counts;
        try (LoadDriver load = new LoadDriver(baseUrl, settings.writesPerSecond(), 2000)) {
            long[] last = {0, 0};
            samplers.scheduleAtFixedRate(
                    () -> {
                        long ok = succeeded(load.counts());
                        long failed = load.failureCount();
                        seconds.add(new Second(since(started), ok - last[0], failed - last[1]));
                        last[0] = ok;
                        last[1] = failed;
                    },
                    1,
                    1,
                    TimeUnit.SECONDS);
            samplers.scheduleWithFixedDelay(
                    () -> samples.add(ResourceSample.take(since(started), router, cluster)),
                    0,
                    settings.sampleEvery().toMillis(),
                    TimeUnit.MILLISECONDS);
            double total = settings.duration().toSeconds();
            sleepUntil(started, total * WARM_UP_SHARE);
            for (int i = 0; since(started) < total * FAULTS_UNTIL_SHARE; i++) {
                SoakFault fault = SoakFault.values()[i % SoakFault.values().length];
                double from = since(started);
                String error = null;
                try {
                    fault.run(cluster, settings.hold());
                    cluster.awaitReplicated(Duration.ofSeconds(120));
                } catch (RuntimeException e) {
                    error = e.toString();
                }
                FaultWindow window = new FaultWindow(fault, from, since(started), error);
                faults.add(window);
                log.accept(String.format(
                        "soak %.0f s: %s, %.0f s to heal%s; %d requests failed so far",
                        window.healedSeconds(),
                        fault.title(),
                        window.healedSeconds() - from,
                        error == null ? "" : " (" + error + ")",
                        load.failureCount()));
                if (error != null) {
                    break;
                }
                sleepUntil(started, since(started) + settings.gap().toSeconds());
            }
            sleepUntil(started, total);
            samplers.shutdown();
            samplers.awaitTermination(60, TimeUnit.SECONDS);
            failures = load.failures();
            counts = load.counts();
        } finally {
            samplers.shutdownNow();
        }
        return new Result(settings, List.copyOf(samples), List.copyOf(seconds), faults, failures, counts);
    }

    private static long succeeded(Map<String, Long> counts) {
        // The driver counts reads a second time by where they ran ("read on replica"); these are the requests.
        return REQUEST_KINDS.stream().mapToLong(k -> counts.getOrDefault(k, 0L)).sum();
    }

    private static double since(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** The schedule's clock: waits until {@code seconds} after the start. */
    private static void sleepUntil(long startedNanos, double seconds) throws InterruptedException {
        long millis = (long) ((seconds - since(startedNanos)) * 1000);
        if (millis > 0) {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
    }
}
