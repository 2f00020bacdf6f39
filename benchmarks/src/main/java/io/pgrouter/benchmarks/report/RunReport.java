package io.pgrouter.benchmarks.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run of the benchmarks: its mode, the machine, and every entry's report in run order. */
public final class RunReport {

    private final String mode;
    private final Instant started;
    private final Map<String, Object> machine;
    private final List<EntryReport> entries = new ArrayList<>();
    private double seconds;

    public RunReport(String mode, Instant started, Map<String, Object> machine) {
        this.mode = mode;
        this.started = started;
        this.machine = new LinkedHashMap<>(machine);
    }

    public void add(EntryReport entry) {
        entries.add(entry);
    }

    /** Adds a fact about the machine learnt during the run, such as the PostgreSQL version. */
    public void machine(String key, Object value) {
        machine.put(key, value);
    }

    public void finished(double seconds) {
        this.seconds = seconds;
    }

    public String mode() {
        return mode;
    }

    public Instant started() {
        return started;
    }

    public Map<String, Object> machine() {
        return machine;
    }

    public List<EntryReport> entries() {
        return entries;
    }

    public double seconds() {
        return seconds;
    }
}
