package io.pgrouter.samples.cli;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.SwitchoverOptions;
import io.pgrouter.SwitchoverReport;
import io.pgrouter.UnknownNodeException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Moves the primary of any cluster to one of its streaming replicas with pgrouter's planned switchover (or only checks
 * that it could, with {@code --dry-run}) and prints the report. Application instances with routers of their own on
 * the same cluster hold their writes and follow. Exit status: 0 when the switchover completed or the dry run passed,
 * 1 when a check failed or it aborted (the old primary was given back, nothing changed), 2 for a bad command line or
 * an unknown node, 3 when it failed after the promotion (an operator must look; see {@code docs/switchover.md}).
 */
@Command(
        name = "switchover",
        mixinStandardHelpOptions = true,
        description = "Moves the primary to a streaming replica without failing or losing a write, and reports.")
public final class SwitchoverCommand implements Callable<Integer> {

    /** A check failed or a step aborted before the promotion: nothing changed. */
    static final int EXIT_NOT_DONE = 1;

    /** A step failed at or after the promotion. */
    static final int EXIT_FAILED_AFTER_PROMOTION = 3;

    @Mixin
    RouterOptions router = new RouterOptions();

    @Option(names = "--to", required = true, paramLabel = "NODE", description = "The replica to make the primary.")
    String to;

    @Option(names = "--dry-run", description = "Only run the checks and estimates; change nothing.")
    boolean dryRun;

    @Option(
            names = "--max-pause",
            defaultValue = "5s",
            description = "The longest a write is held (e.g. 5s, 800ms). Default: ${DEFAULT-VALUE}.")
    Duration maxPause;

    @Option(
            names = "--drain-timeout",
            defaultValue = "2s",
            description = "How long running write transactions get. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(
            names = "--max-lag-bytes",
            defaultValue = "16777216",
            description = "The most WAL the target may lag when it starts. Default: ${DEFAULT-VALUE}.")
    long maxLagBytes;

    @Option(
            names = "--external-promoter",
            description = "Something else (Patroni, an operator) promotes the target; wait for it.")
    boolean externalPromoter;

    @Option(
            names = "--wait",
            defaultValue = "10s",
            description = "How long to wait for the router to see the target in rotation before the checks run."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration wait;

    @Option(names = "--json", description = "Print the report as JSON instead of text.")
    boolean json;

    private final PrintStream out;

    SwitchoverCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs the command with these arguments, printing to {@code out}; returns the exit status. */
    static int run(PrintStream out, String... args) {
        return new CommandLine(new SwitchoverCommand(out))
                .registerConverter(Duration.class, text -> DurationStyle.detectAndParse(text, ChronoUnit.MILLIS))
                .execute(args);
    }

    @Override
    public Integer call() throws Exception {
        SwitchoverOptions options;
        try {
            options = SwitchoverOptions.custom()
                    .dryRun(dryRun)
                    .maxPause(maxPause)
                    .drainTimeout(drainTimeout)
                    .maxLagBytes(maxLagBytes)
                    .externalPromoter(externalPromoter)
                    .progress(step -> {
                        if (!json) {
                            out.printf("  ... %s%n", step);
                        }
                    })
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        try (RoutingDataSource ds = router.build()) {
            awaitInRotation(ds);
            SwitchoverReport report;
            try {
                report = ds.switchover(to, options);
            } catch (UnknownNodeException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--to: " + e.getMessage());
            }
            out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
            return switch (report.result()) {
                case COMPLETED, DRY_RUN_PASSED -> 0;
                case CHECKS_FAILED, ABORTED -> EXIT_NOT_DONE;
                case FAILED_AFTER_PROMOTION -> EXIT_FAILED_AFTER_PROMOTION;
            };
        }
    }

    /**
     * A router just started has probed every node once; a replica may need a few more good probes to enter rotation.
     * Bounded by {@code --wait}; after it the checks run anyway and name what is wrong.
     */
    private void awaitInRotation(RoutingDataSource ds) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !inRotation(ds)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private boolean inRotation(RoutingDataSource ds) {
        try {
            return ds.status().node(to).eligible();
        } catch (UnknownNodeException e) {
            return true; // the switchover names the configured nodes
        }
    }
}
