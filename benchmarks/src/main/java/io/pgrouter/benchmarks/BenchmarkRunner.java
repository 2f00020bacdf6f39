package io.pgrouter.benchmarks;

import io.pgrouter.benchmarks.connection.ConnectionPathEntry;
import io.pgrouter.benchmarks.detection.LagExclusionEntry;
import io.pgrouter.benchmarks.detection.PromotionEntry;
import io.pgrouter.benchmarks.detection.ReplicaKilledEntry;
import io.pgrouter.benchmarks.faults.FaultSuiteEntry;
import io.pgrouter.benchmarks.load.ConsistencyEntry;
import io.pgrouter.benchmarks.load.EndToEndEntry;
import io.pgrouter.benchmarks.load.PgBouncerEntry;
import io.pgrouter.benchmarks.load.StalenessEntry;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.benchmarks.report.MachineInfo;
import io.pgrouter.benchmarks.report.ReportWriter;
import io.pgrouter.benchmarks.report.RunReport;
import io.pgrouter.benchmarks.soak.SoakEntry;
import io.pgrouter.benchmarks.switchover.SwitchoverEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every benchmark entry in one JVM, one after the other, and writes {@code results/latest.json} and
 * {@code RESULTS.md} into the benchmarks module directory.
 */
@Command(
        name = "benchmarks",
        mixinStandardHelpOptions = true,
        description = "Measures pgrouter against its peers and writes results/latest.json and RESULTS.md.")
public final class BenchmarkRunner implements Callable<Integer> {

    /** Every entry, in run order. A new measurement is one more element here. */
    static final List<Entry> ENTRIES = List.of(
            new ConnectionPathEntry(),
            new EndToEndEntry(),
            new ReplicaKilledEntry(),
            new LagExclusionEntry(),
            new PromotionEntry(),
            new StalenessEntry(),
            new ConsistencyEntry(),
            new FaultSuiteEntry(),
            new PgBouncerEntry(),
            new SoakEntry(),
            new SwitchoverEntry());

    @Option(names = "--quick", description = "Fewer trials and shorter windows (under 5 minutes).")
    private boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "ENTRY", description = "Run only these entries (see --list).")
    private Set<String> only;

    @Option(names = "--list", description = "List the entries and exit.")
    private boolean list;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where RESULTS.md and results/ go; default: the benchmarks module the jar was built in.")
    private Path out;

    public static void main(String[] args) {
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // The detection entries break connections on purpose; HikariCP's warning and stack trace for each is noise.
        System.setProperty(
                "org.slf4j.simpleLogger.log.com.zaxxer.hikari",
                System.getProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error"));
        System.exit(new CommandLine(new BenchmarkRunner()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (list) {
            ENTRIES.forEach(e -> System.out.println(e.name() + "\t" + e.title()));
            return 0;
        }
        List<Entry> selected = new ArrayList<>();
        for (Entry entry : ENTRIES) {
            if (only == null || only.contains(entry.name())) {
                selected.add(entry);
            }
        }
        if (only != null && selected.size() != only.size()) {
            System.err.println("unknown entry in --only " + only + "; see --list");
            return 2;
        }
        Path dir = out != null ? out : moduleDirectory();
        RunReport run = new RunReport(quick ? "quick" : "full", Instant.now(), MachineInfo.read());
        RunContext context = new RunContext(quick, run);
        long started = System.nanoTime();
        int failed = 0;
        for (Entry entry : selected) {
            EntryReport report = new EntryReport(entry.name(), entry.title());
            context.log("entry %s", entry.name());
            long entryStarted = System.nanoTime();
            String error = null;
            try {
                entry.run(context, report);
            } catch (Exception | AssertionError e) {
                failed++;
                error = e.toString();
                e.printStackTrace();
            }
            report.finished((System.nanoTime() - entryStarted) / 1e9, error);
            run.add(report);
            run.finished((System.nanoTime() - started) / 1e9);
            // Written after every entry: a run cut short still leaves what it measured.
            ReportWriter.writeJson(run, dir.resolve("results").resolve("latest.json"));
            ReportWriter.writeMarkdown(run, dir.resolve("RESULTS.md"));
            context.log("entry %s done in %.0f s%s", entry.name(), report.seconds(), error == null ? "" : " (FAILED)");
        }
        context.log("wrote %s and %s", dir.resolve("RESULTS.md"), dir.resolve("results/latest.json"));
        return failed == 0 ? 0 : 1;
    }

    /** {@code <module>/target/benchmarks.jar} gives {@code <module>}; otherwise {@code benchmarks} or the current directory. */
    private static Path moduleDirectory() throws Exception {
        Path code = Path.of(BenchmarkRunner.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path target = code.getParent();
        if (target != null && target.getFileName().toString().equals("target") && target.getParent() != null) {
            return target.getParent();
        }
        return Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks") : Path.of(".");
    }
}
