package io.pgrouter.benchmarks;

import io.pgrouter.benchmarks.report.EntryReport;

/**
 * One measurement of the run: it sets up what it needs (its own clusters, which it closes), measures, and fills
 * its report. New measurements are new entries in {@link BenchmarkRunner#ENTRIES}.
 */
public interface Entry {

    /** A short, stable name for {@code --only} and the JSON ({@code connection-path}). */
    String name();

    /** The heading in RESULTS.md. */
    String title();

    /**
     * Measures and reports. An exception fails this entry only: the run goes on with the next and the report says
     * what went wrong.
     */
    void run(RunContext context, EntryReport report) throws Exception;
}
