package io.pgrouter.samples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped alert rules pass {@code promtool check rules} and their unit tests ({@code promtool test rules}). */
@RequiresPrograms(value = "promtool", installHint = "Debian: apt-get install prometheus")
class PrometheusRulesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void theRulesFileIsValid() {
        ProgramRun check = ProgramRun.run(
                OpsFiles.root(),
                TIMEOUT,
                "promtool",
                "check",
                "rules",
                OpsFiles.rules().toString());
        System.out.println(check);

        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertPassesItsUnitTests() throws IOException {
        Path tests = OpsFiles.root().resolve("prometheus/tests");
        List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
        try (Stream<Path> files = Files.list(tests)) {
            files.filter(f -> f.toString().endsWith(".yml"))
                    .sorted()
                    .map(Path::toString)
                    .forEach(command::add);
        }
        assertThat(command).as("unit test files in " + tests).hasSizeGreaterThan(3);

        // The test files name the rules file relative to themselves: run where they are.
        ProgramRun run = ProgramRun.run(tests, TIMEOUT, command.toArray(String[]::new));
        System.out.println(run);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertHasARunbookLine() throws IOException {
        String rules = Files.readString(OpsFiles.rules());
        long alerts =
                rules.lines().filter(l -> l.strip().startsWith("- alert:")).count();
        long runbooks =
                rules.lines().filter(l -> l.strip().startsWith("runbook:")).count();

        assertThat(alerts).isGreaterThanOrEqualTo(8);
        assertThat(runbooks).isEqualTo(alerts);
    }
}
