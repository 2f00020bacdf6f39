package io.pgrouter.benchmarks.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One table of results: a title, column names and rows of cells (numbers stay numbers in the JSON). Cells of a
 * row line up with the columns; {@code null} prints as a dash.
 */
public final class Table {

    private final String title;
    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    public Table(String title, String... columns) {
        this.title = title;
        this.columns = List.of(columns);
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException when the cells do not match the columns
     */
    public Table row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("table '" + title + "' has " + columns.size() + " columns, row had "
                    + cells.length + ": " + Arrays.toString(cells));
        }
        rows.add(Arrays.asList(cells));
        return this;
    }

    public String title() {
        return title;
    }

    public List<String> columns() {
        return columns;
    }

    public List<List<Object>> rows() {
        return rows;
    }
}
