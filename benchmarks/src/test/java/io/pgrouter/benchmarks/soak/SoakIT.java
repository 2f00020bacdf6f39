package io.pgrouter.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.benchmarks.report.EntryReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The soak's 2-minute form: the demo's orders service under the demo's load while a replica stops and starts, its
 * replay pauses, and the primary is replaced by a promotion; heap after GC, threads, descriptors, pool connections and
 * server sessions stay flat, and no request fails apart from those the faults explain. {@link SoakEntry} runs it for
 * 30 minutes.
 */
class SoakIT {

    private static final SoakRun.Settings TWO_MINUTES = new SoakRun.Settings(
            Duration.ofMinutes(2), Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(4), 30);

    @Test
    void resourcesStayFlatAndOnlyFaultsExplainFailedRequests() throws Exception {
        SoakRun.Result result = SoakRun.run(TWO_MINUTES, builder -> builder.start(), System.out::println);

        EntryReport report = new EntryReport("soak", "soak");
        SoakEntry.report(result, report);
        report.goals().forEach(g -> System.out.println("soak goal: " + g));
        assertThat(result.succeeded()).as("requests served").isGreaterThan(1000);
        assertThat(result.faults())
                .as("faults run")
                .extracting(SoakRun.FaultWindow::fault)
                .contains(SoakFault.REPLICA_STOPPED, SoakFault.REPLAY_PAUSED);
        assertThat(result.faults())
                .allSatisfy(
                        f -> assertThat(f.error()).as("%s healed", f.fault()).isNull());
        assertThat(result.failedUnexplained())
                .as("failed requests no fault explains: %s", result.failuresByReason())
                .isZero();
        assertThat(result.flatness())
                .allSatisfy(f -> assertThat(f.flat()).as(f.describe()).isTrue());
    }
}
