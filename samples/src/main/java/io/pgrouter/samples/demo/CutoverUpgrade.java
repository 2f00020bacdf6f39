package io.pgrouter.samples.demo;

import io.pgrouter.CutoverOptions;
import io.pgrouter.CutoverReport;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.samples.orders.OrdersOnCluster;
import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's {@code cutover} scenario: a second cluster of a newer major version, subscribed to the orders database by
 * logical replication, configured as the service's cutover target; once the router's own readiness check shows
 * GREEN, the service moves to it under load and prints the report.
 */
public final class CutoverUpgrade implements AutoCloseable {

    /** The scenario's name. */
    public static final String SCENARIO = "cutover";

    /** The version the orders database starts on when {@code --version-pg} is not given. */
    public static final String DEFAULT_SOURCE_VERSION = "15";

    private static final String TARGET_NAME = "new-primary";
    private static final Duration GREEN_DEADLINE = Duration.ofMinutes(2);

    private final ReplicaSet source;
    private final ReplicaSet target;
    private final String version;
    private final PrintStream out;
    private LogicalReplication replication;

    private CutoverUpgrade(ReplicaSet source, ReplicaSet target, String version, PrintStream out) {
        this.source = source;
        this.target = target;
        this.version = version;
        this.out = out;
    }

    /** Whether {@code scenario} is this one. */
    public static boolean isThisScenario(String scenario) {
        return SCENARIO.equals(scenario.toLowerCase(Locale.ROOT));
    }

    /** Starts the target cluster (a primary, no replica) of {@code version}, with the source's database and login. */
    public static CutoverUpgrade start(ReplicaSet source, String version, PrintStream out) {
        out.printf("Starting the cutover target: PostgreSQL %s primary (embedded binaries)...%n", version);
        ReplicaSet target = PostgresReplicaSet.builder()
                .version(version)
                .replicas(0)
                .database(source.database())
                .user(source.user())
                .password(source.password())
                .start();
        out.printf("  %-11s %s%n", TARGET_NAME, target.primary().jdbcUrl());
        return new CutoverUpgrade(source, target, version, out);
    }

    /** The service's properties for the target: its node, and a readiness check every second, GREEN after 3 s. */
    public Map<String, String> properties() {
        return Map.of(
                "pgrouter.cutover.target.primary.name",
                TARGET_NAME,
                "pgrouter.cutover.target.primary.url",
                target.primary().jdbcUrl(),
                "pgrouter.cutover.target.primary.username",
                target.user(),
                "pgrouter.cutover.target.primary.password",
                target.password(),
                "pgrouter.cutover.readiness.check-interval",
                "1s",
                "pgrouter.cutover.readiness.stable-for",
                "3s");
    }

    /** Creates the orders tables on the target and subscribes it to the source (the initial copy starts). */
    public void subscribe() {
        OrdersOnCluster.createSchemaOn(target.primary());
        replication = LogicalReplication.from(source)
                .to(target)
                .name("orders_upgrade")
                .create();
        out.printf("Subscription orders_upgrade created on %s: the initial copy runs%n%n", TARGET_NAME);
    }

    /** The scenario's step: the cutover, once the light is GREEN. */
    List<Scenario.Step> steps(RoutingDataSource router) {
        return List.of(new Scenario.Step(
                0.25,
                "on " + TARGET_NAME,
                "cutover to " + TARGET_NAME + " (PostgreSQL " + version + ") under load, once the"
                        + " readiness light is GREEN",
                () -> cutover(router)));
    }

    /**
     * Waits (at most 2 minutes) for the router's scheduled readiness check to show GREEN, runs the cutover and prints
     * its report.
     *
     * @throws IllegalStateException when the light did not turn GREEN or the cutover did not complete: the demo fails
     */
    private void cutover(RoutingDataSource router) {
        long deadline = System.nanoTime() + GREEN_DEADLINE.toNanos();
        ReadinessReport.Light shown = null;
        while (true) {
            ReadinessReport last = router.status().cutover().readiness();
            ReadinessReport.Light light = last == null ? null : last.light();
            if (light != shown && last != null) {
                out.printf("      readiness %s%s%n", light, last.reasons().isEmpty() ? "" : ": " + last.reasons());
                shown = light;
            }
            if (light == ReadinessReport.Light.GREEN) {
                out.print(last.toString().indent(6));
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "the readiness light did not turn GREEN within " + GREEN_DEADLINE.toSeconds() + " s: " + last);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // bounded polling of in-memory state
        }
        CutoverReport report = router.cutover(CutoverOptions.defaults());
        out.print(report.toText().indent(6));
        if (!report.completed()) {
            throw new IllegalStateException("the cutover did not complete: " + report.reason());
        }
    }

    /** Drops the subscription and stops the target cluster; never throws. */
    @Override
    public void close() {
        try {
            if (replication != null) {
                replication.close();
            }
        } finally {
            target.close();
        }
    }
}
