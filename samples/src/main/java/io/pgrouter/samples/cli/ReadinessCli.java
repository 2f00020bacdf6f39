package io.pgrouter.samples.cli;

import io.pgrouter.cutover.CutoverReadiness;
import io.pgrouter.cutover.ReadinessReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the cutover readiness light and the table of a source ({@code --config}) and a target ({@code --to})
 * replicated by logical replication, every {@code --every} seconds {@code --count} times (docs/cutover.md).
 */
@Command(
        name = "readiness",
        mixinStandardHelpOptions = true,
        description = "Prints the cutover readiness light and the tables; exit 0 when the last check is GREEN.")
public final class ReadinessCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            description = "The source's properties (pgrouter.primary.* and pgrouter.ssl.* keys).")
    Path config;

    @Option(
            names = "--to",
            required = true,
            description = "The target's properties (pgrouter.primary.* and pgrouter.ssl.* keys).")
    Path to;

    @Option(names = "--subscription", description = "The subscription; default the only one of the target.")
    String subscription;

    @Option(names = "--every", defaultValue = "2", description = "Seconds between checks. Default: ${DEFAULT-VALUE}.")
    int everySeconds;

    @Option(names = "--count", defaultValue = "1", description = "Checks to run. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(
            names = "--stable-for",
            defaultValue = "0",
            description = "Seconds every condition must hold before GREEN. Default: ${DEFAULT-VALUE}.")
    int stableForSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReadinessCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (everySeconds < 1 || count < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--every and --count must be at least 1, were " + everySeconds + " and " + count);
        }
        CutoverReadiness.Builder builder = CutoverReadiness.builder().stableFor(Duration.ofSeconds(stableForSeconds));
        side("--config", config, builder::sourceFromProperties);
        side("--to", to, builder::targetFromProperties);
        if (subscription != null) {
            builder.subscription(subscription);
        }
        CutoverReadiness readiness = builder.build();
        ReadinessReport last = null;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(Duration.ofSeconds(everySeconds).toMillis());
            }
            last = readiness.check();
            System.out.println(last);
        }
        return last.light() == ReadinessReport.Light.GREEN ? 0 : 1;
    }

    /** Gives {@code side} the properties of {@code file}; a bad setting names the option and the file. */
    private void side(String option, Path file, Consumer<Map<String, String>> side) throws IOException {
        try {
            side.accept(RouterOptions.load(file));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "the file of " + option + " (" + file + "): " + e.getMessage());
        }
    }
}
