package io.pgrouter.samples.cli;

import io.pgrouter.CutoverOptions;
import io.pgrouter.CutoverReport;
import io.pgrouter.CutoverTarget;
import io.pgrouter.RoutingDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Cuts a database over to a new cluster fed by logical replication (docs/cutover.md): the router of {@code --config}
 * (the source) runs the cutover to the nodes of {@code --to} and prints the report. Applications whose routers have
 * the same target configured follow; this command's own router has no traffic but its checks.
 */
@Command(
        name = "cutover",
        mixinStandardHelpOptions = true,
        description = "Cuts over to the cluster of --to (logical replication) and prints the report; exit 0 when it"
                + " completed (or the dry run passed).")
public final class CutoverCli implements Callable<Integer> {

    @Mixin
    RouterOptions router = new RouterOptions();

    @Option(
            names = "--to",
            required = true,
            description = "A properties file with the target's pgrouter.primary.* and pgrouter.replicas[i].* keys.")
    Path to;

    @Option(names = "--dry-run", description = "Only the checks: nothing changes.")
    boolean dryRun;

    @Option(
            names = "--max-pause-ms",
            defaultValue = "5000",
            description = "How long writes may be held. Default: ${DEFAULT-VALUE}.")
    long maxPauseMillis;

    @Option(names = "--json", description = "Print the report as JSON instead of text.")
    boolean json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CutoverCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CutoverTarget target = CutoverTarget.fromProperties(RouterOptions.load(to));
        CutoverOptions options = CutoverOptions.defaults().toBuilder()
                .dryRun(dryRun)
                .maxPause(Duration.ofMillis(maxPauseMillis))
                .build();
        try (RoutingDataSource source = router.build()) {
            CutoverReport report = source.cutover(target, options);
            System.out.println(json ? report.toJson() : report.toText());
            return report.completed() || report.result() == CutoverReport.Result.DRY_RUN_PASSED ? 0 : 1;
        }
    }
}
