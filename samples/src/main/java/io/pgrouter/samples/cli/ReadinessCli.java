package io.pgrouter.samples.cli;

import io.pgrouter.cutover.CutoverReadiness;
import io.pgrouter.cutover.ReadinessReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the cutover readiness light and the table of a source ({@code --config}) and a target ({@code --to})
 * replicated by logical replication, every {@code --every} seconds {@code --count} times (docs/cutover.md).
 */
@Command(
        name = "readiness",
        mixinStandardHelpOptions = true,
        description = "Prints the cutover readiness light and the tables; exit 0 when the last check is GREEN.")
public final class ReadinessCli implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The source's properties (pgrouter.primary.* keys).")
    Path config;

    @Option(names = "--to", required = true, description = "The target's properties (pgrouter.primary.* keys).")
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

    private static final String PASSWORD = "pgrouter.primary.password";

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReadinessCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (everySeconds < 1 || count < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--every and --count must be at least 1, were " + everySeconds + " and " + count);
        }
        Map<String, String> source = RouterOptions.load(config);
        Map<String, String> target = RouterOptions.load(to);
        CutoverReadiness.Builder builder = CutoverReadiness.builder()
                .source(url(source, "--config"), source.get("pgrouter.primary.username"), source.get(PASSWORD))
                .target(url(target, "--to"), target.get("pgrouter.primary.username"), target.get(PASSWORD))
                .stableFor(Duration.ofSeconds(stableForSeconds));
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

    private String url(Map<String, String> properties, String option) {
        String url = properties.get("pgrouter.primary.url");
        if (url == null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "the file of " + option + " has no pgrouter.primary.url");
        }
        return url;
    }
}
