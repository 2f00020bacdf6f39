package io.pgrouter.samples;

import io.pgrouter.NodeStatus;
import io.pgrouter.RouteReason;
import io.pgrouter.RouterStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.samples.demo.CutoverUpgrade;
import io.pgrouter.samples.demo.DemoRun;
import io.pgrouter.samples.demo.ReadYourWritesCheck;
import io.pgrouter.samples.orders.OrdersOnCluster;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: an embedded PostgreSQL primary with a streaming replica, the orders sample service on them, a mixed
 * load over HTTP, a live table, scripted failures and a summary. Exits 0 only if no request failed.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Runs the orders service on an embedded primary + replica under load, breaks things on purpose, and reports.")
public final class Demo implements Callable<Integer> {

    @Option(
            names = "--duration",
            defaultValue = "60s",
            description = "How long the load runs (e.g. 20s, 2m). Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = "--ops-per-second",
            defaultValue = "50",
            description = "Writes per second; dashboard reads run at twice that. Default: ${DEFAULT-VALUE}.")
    int opsPerSecond;

    @Option(
            names = "--scenario",
            defaultValue = "all",
            description = "all, replica-stop, lag, flag, none, consistency, switchover, or cutover (the last three not"
                    + " part of all). Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(
            names = "--version-pg",
            description = "PostgreSQL major version, 15 to 18. Default: 18; 15 with --scenario cutover.")
    String pgVersion;

    @Option(
            names = "--to-version-pg",
            defaultValue = "18",
            description = "With --scenario cutover: the major version of the cluster the service moves to, 15 to 18."
                    + " Default: ${DEFAULT-VALUE}.")
    String targetVersion;

    private final java.io.PrintStream out;

    Demo(java.io.PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs the demo with these arguments, printing to {@code out}; returns the exit code. */
    static int run(java.io.PrintStream out, String... args) {
        return new CommandLine(new Demo(out))
                .registerConverter(Duration.class, Demo::duration)
                .execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (opsPerSecond < 1 || opsPerSecond > 5000) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--ops-per-second must be between 1 and 5000, was " + opsPerSecond);
        }
        boolean cutover = CutoverUpgrade.isThisScenario(scenario);
        String version = pgVersion != null ? pgVersion : cutover ? CutoverUpgrade.DEFAULT_SOURCE_VERSION : "18";
        out.printf("Starting PostgreSQL %s primary + 1 streaming replica (embedded binaries)...%n", version);
        try (ReplicaSet cluster = PostgresReplicaSet.builder()
                        .version(version)
                        .database("orders")
                        .user("app")
                        .password("app-secret")
                        .logicalReplication(cutover)
                        .start();
                CutoverUpgrade upgrade = cutover ? CutoverUpgrade.start(cluster, targetVersion, out) : null) {
            PostgresNode replica = cluster.replica(0);
            out.printf("  primary   %s%n  %s %s%n", cluster.primary().jdbcUrl(), replica.name(), replica.jdbcUrl());
            Map<String, String> properties = new HashMap<>(ReadYourWritesCheck.properties(scenario));
            if (upgrade != null) {
                properties.putAll(upgrade.properties());
            }
            try (ConfigurableApplicationContext service = OrdersOnCluster.start(cluster, properties)) {
                RoutingDataSource router = service.getBean(RoutingDataSource.class);
                if (upgrade != null) {
                    upgrade.subscribe();
                }
                String baseUrl = OrdersOnCluster.baseUrl(service);
                out.printf("Orders service on %s (dashboard reads @ReadOnly, order writes on the primary)%n", baseUrl);
                out.printf(
                        "Status page: %s  (metrics: %s/actuator/prometheus)%n%n",
                        OrdersOnCluster.statusPageUrl(service), baseUrl);
                DemoRun run =
                        new DemoRun(router, replica, cluster, baseUrl, opsPerSecond, duration, scenario, upgrade, out);
                long failed = run.run();
                printRoutes(router.status(), out);
                out.printf("%nStopping the service and the cluster...%n");
                // 130 is what shells report for a command ended by Ctrl-C.
                return run.interrupted() ? 130 : failed == 0 ? 0 : 1;
            }
        }
    }

    private static void printRoutes(RouterStatus status, java.io.PrintStream out) {
        out.printf("%nConnections routed, per node and reason:%n");
        for (NodeStatus node : status.nodes()) {
            StringBuilder line = new StringBuilder();
            for (RouteReason reason : RouteReason.values()) {
                long n = node.routes(reason);
                if (n > 0) {
                    line.append(line.length() > 0 ? ", " : "")
                            .append(reason)
                            .append('=')
                            .append(n);
                }
            }
            out.printf("  %-10s %s%n", node.name(), line.length() == 0 ? "none" : line);
        }
    }

    /** Spring Boot's duration forms ({@code 20s}, {@code 2m}, {@code PT1M}); a bare number is seconds. */
    private static Duration duration(String text) {
        return DurationStyle.detectAndParse(text, ChronoUnit.SECONDS);
    }
}
