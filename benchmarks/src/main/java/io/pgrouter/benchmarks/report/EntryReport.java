package io.pgrouter.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one entry of the run produced: tables for people, named values for machines, goals with their verdicts
 * and notes on method and caveats. Filled by the entry while it runs.
 */
public final class EntryReport {

    /**
     * A goal the issue set and whether this run met it.
     *
     * @param met {@code null} when the run could not tell
     */
    public record Goal(String goal, Boolean met, String measured) {}

    private final String name;
    private final String title;
    private final List<Table> tables = new ArrayList<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<Goal> goals = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private double seconds;
    private String error;

    public EntryReport(String name, String title) {
        this.name = name;
        this.title = title;
    }

    /** Adds a table and returns it, for rows to be added. */
    public Table table(String title, String... columns) {
        Table table = new Table(title, columns);
        tables.add(table);
        return table;
    }

    /** A named value for the JSON ({@code pgrouter.read.selectOne.ratio}); numbers as numbers. */
    public void value(String key, Object value) {
        values.put(key, value);
    }

    public void goal(String goal, Boolean met, String measured) {
        goals.add(new Goal(goal, met, measured));
    }

    public void note(String note) {
        notes.add(note);
    }

    /** Records how long the entry took and, if it failed, why. */
    public void finished(double seconds, String error) {
        this.seconds = seconds;
        this.error = error;
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    public List<Table> tables() {
        return tables;
    }

    public Map<String, Object> values() {
        return values;
    }

    public List<Goal> goals() {
        return goals;
    }

    public List<String> notes() {
        return notes;
    }

    public double seconds() {
        return seconds;
    }

    /** Why the entry failed, or {@code null}. */
    public String error() {
        return error;
    }
}
