package io.pgrouter.samples.cli;

import io.pgrouter.NodeStatus;
import io.pgrouter.RouterStatus;
import io.pgrouter.RoutingDataSource;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Watches a primary and its replicas through pgrouter's health monitor: a table every interval, and optionally
 * one JSON line per interval (the router's status) appended to a file. Sends no traffic but the probes.
 */
@Command(
        name = "monitor",
        mixinStandardHelpOptions = true,
        description = "Prints each node's role, health, lag and pool every N seconds.")
public final class Monitor implements Callable<Integer> {

    @Mixin
    RouterOptions router = new RouterOptions();

    @Option(names = "--every", defaultValue = "2", description = "Seconds between reports. Default: ${DEFAULT-VALUE}.")
    int everySeconds;

    @Option(
            names = "--count",
            defaultValue = "0",
            description = "Reports to print, 0 for no end. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--json", description = "Append one JSON status line per report to this file.")
    Path json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Monitor()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (everySeconds < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--every must be at least 1, was " + everySeconds);
        }
        try (RoutingDataSource ds = router.build();
                BufferedWriter out = json == null
                        ? null
                        : Files.newBufferedWriter(
                                json, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = 0; count == 0 || i < count; i++) {
                if (i > 0) {
                    Thread.sleep(Duration.ofSeconds(everySeconds).toMillis());
                }
                RouterStatus status = ds.status();
                print(status);
                if (out != null) {
                    out.write(status.toJson());
                    out.newLine();
                    out.flush();
                }
            }
        }
        return 0;
    }

    static void print(RouterStatus status) {
        System.out.printf(
                "%s  replicas %s, force-primary %s%n",
                status.takenAt(), status.replicasEnabled() ? "on" : "off", status.forcePrimary() ? "on" : "off");
        System.out.printf(
                "  %-12s %-8s %-13s %-4s %12s %9s %-10s %9s  %s%n",
                "node", "role", "health", "in", "lag bytes", "lag ms", "breaker", "pool", "reason");
        for (NodeStatus n : status.nodes()) {
            System.out.printf(
                    "  %-12s %-8s %-13s %-4s %12s %9s %-10s %4d/%-4d  %s%n",
                    n.name(),
                    n.role(),
                    n.health(),
                    n.eligible() ? "yes" : "no",
                    n.lagBytes() < 0 ? "-" : n.lagBytes(),
                    n.lagMillis() < 0 ? "-" : n.lagMillis(),
                    n.breakerState(),
                    n.activeConnections(),
                    n.totalConnections(),
                    n.notEligibleReason() == null ? "" : n.notEligibleReason());
        }
    }
}
