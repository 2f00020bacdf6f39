package io.pgrouter.cutover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * What one {@link CutoverReadiness#check()} read from the source and the target, and the light it gives. Built by
 * {@link CutoverReadiness} only; later versions add components, so construct it by name only in tests.
 *
 * @param checkedAt when the check began (on the readiness' clock)
 * @param light GREEN, YELLOW or RED
 * @param reasons why the light is not GREEN, one sentence each; empty when GREEN
 * @param subscription the subscription on the target, or {@code null} when none was found
 * @param subscriptionEnabled whether it is enabled
 * @param applyWorkerRunning whether its apply worker runs on the target ({@code pg_stat_subscription})
 * @param sourcePosition the source's current WAL position ({@code pg_current_wal_lsn()}), or {@code null} when unknown
 * @param confirmedPosition what the subscriber has confirmed: {@code confirmed_flush_lsn} of the subscription's slot
 *     on the source, or {@code null} when unknown (no slot, source unreachable)
 * @param lagBytes source position minus confirmed position, or -1 when unknown
 * @param lagTime how long ago the source first wrote WAL the subscriber has not confirmed, on this JVM's clock from
 *     the positions the checks saw; {@code null} when unknown (first check, no slot)
 * @param stalled whether the confirmed position has not moved over the last checks while the source's moved
 * @param readyFor how long every condition for GREEN has held without a break, {@link Duration#ZERO} when one fails
 * @param tables every table of the subscription and every published table missing from it, by schema and name
 */
public record ReadinessReport(
        Instant checkedAt,
        Light light,
        List<String> reasons,
        String subscription,
        boolean subscriptionEnabled,
        boolean applyWorkerRunning,
        String sourcePosition,
        String confirmedPosition,
        long lagBytes,
        Duration lagTime,
        boolean stalled,
        Duration readyFor,
        List<Table> tables) {

    public ReadinessReport {
        Objects.requireNonNull(checkedAt, "checkedAt");
        Objects.requireNonNull(light, "light");
        Objects.requireNonNull(readyFor, "readyFor");
        reasons = List.copyOf(reasons);
        tables = List.copyOf(tables);
    }

    /**
     * This report as one JSON object: the components above by name, times as ISO-8601 strings, durations in
     * milliseconds ({@code lagMillis}, {@code readyForMillis}), enums in lower case, unknown values {@code null}.
     * See {@code docs/cutover.md}.
     *
     * @throws IllegalStateException without Jackson ({@code tools.jackson.core:jackson-core}, an optional dependency)
     */
    public String toJson() {
        io.pgrouter.internal.OptionalJackson.require("ReadinessReport.toJson()");
        return io.pgrouter.internal.cutover.ReadinessJson.of(this);
    }

    /**
     * The table with this name ({@code orders}) or qualified name ({@code public.orders}).
     *
     * @throws NoSuchElementException naming the tables known
     */
    public Table table(String name) {
        return tables.stream()
                .filter(t -> t.qualifiedName().equals(name) || t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no table '" + name + "' in the report; tables: "
                        + tables.stream().map(Table::qualifiedName).toList()));
    }

    /** Several lines: the light and its reasons, the subscription and its lag, then one line per table. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append("cutover readiness ").append(light).append(" at ").append(checkedAt);
        if (light != Light.RED) {
            out.append(", ready for ").append(readyFor.toMillis()).append(" ms");
        }
        out.append('\n');
        reasons.forEach(r -> out.append("  - ").append(r).append('\n'));
        out.append("  subscription ")
                .append(subscription)
                .append(subscriptionEnabled ? " enabled" : " disabled")
                .append(applyWorkerRunning ? ", apply worker running" : ", no apply worker")
                .append("; source at ")
                .append(sourcePosition)
                .append(", confirmed ")
                .append(confirmedPosition)
                .append("; lag ")
                .append(lagBytes < 0 ? "unknown" : lagBytes + " bytes")
                .append(" / ")
                .append(lagTime == null ? "unknown" : lagTime.toMillis() + " ms")
                .append(stalled ? "; STALLED" : "")
                .append('\n');
        out.append(String.format(
                Locale.ROOT,
                "  %-32s %-14s %16s %16s %12s%n",
                "table",
                "state",
                "source rows",
                "target rows",
                "delta"));
        for (Table t : tables) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %-32s %-14s %16s %16s %12s%n",
                    t.qualifiedName(),
                    t.state().text(),
                    t.sourceRows(),
                    t.targetRows(),
                    t.rowDelta() == null ? "?" : t.rowDelta().toString()));
        }
        return out.toString();
    }

    /** The readiness light. */
    public enum Light {
        /** Every table ready, lag under both thresholds, and both have held for the stable period: ready to cut over. */
        GREEN,
        /** Every condition of GREEN holds, but not yet for the stable period. */
        YELLOW,
        /** At least one condition fails; the reasons say which. */
        RED
    }

    /** A table's synchronization state in {@code pg_subscription_rel.srsubstate} on the target. */
    public enum SyncState {
        /** {@code i}: waiting for its initial copy. */
        INIT('i'),
        /** {@code d}: its initial copy is running. */
        DATA_COPY('d'),
        /** {@code f}: copied, catching up with the changes made during the copy (PostgreSQL 16 and later). */
        FINISHED_COPY('f'),
        /** {@code s}: synchronized, handing over to the apply worker. */
        SYNC_DONE('s'),
        /** {@code r}: ready; its changes stream through the apply worker. */
        READY('r'),
        /** Published on the source but not in the subscription (it needs {@code REFRESH PUBLICATION}). */
        NOT_SUBSCRIBED('-');

        private final char code;

        SyncState(char code) {
            this.code = code;
        }

        /** The letter PostgreSQL stores, {@code '-'} for {@link #NOT_SUBSCRIBED}. */
        public char code() {
            return code;
        }

        /** The state for a {@code srsubstate} letter. */
        public static SyncState of(char code) {
            for (SyncState s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown srsubstate '" + code + "'");
        }

        String text() {
            return name().toLowerCase(Locale.ROOT) + " (" + code + ")";
        }
    }

    /**
     * A table's row count on one side.
     *
     * @param rows the number of rows, or -1 when unknown
     * @param kind how it was obtained
     */
    public record RowCount(long rows, Kind kind) {

        /** A count nobody could take. */
        public static final RowCount UNKNOWN = new RowCount(-1, Kind.UNKNOWN);

        public RowCount {
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public String toString() {
            return switch (kind) {
                case EXACT -> Long.toString(rows);
                case ESTIMATE -> "~" + rows;
                case UNKNOWN -> "?";
            };
        }

        /** How a row count was obtained. */
        public enum Kind {
            /** {@code count(*)}: the table was small enough (below the exact-count limit). */
            EXACT,
            /** The planner's estimate {@code pg_class.reltuples}: the table is large, or its count timed out. */
            ESTIMATE,
            /** Neither: no statistics yet and the count failed or timed out. */
            UNKNOWN
        }
    }

    /**
     * One table.
     *
     * @param schema its schema
     * @param name its name
     * @param state its synchronization state
     * @param sourceRows its rows on the source
     * @param targetRows its rows on the target
     */
    public record Table(String schema, String name, SyncState state, RowCount sourceRows, RowCount targetRows) {

        /** {@code schema.name}. */
        public String qualifiedName() {
            return schema + "." + name;
        }

        /**
         * Source rows minus target rows when both are exact counts, else {@code null}: an estimate minus an
         * estimate is no delta. Counts on the two sides are taken a moment apart, so under load a small delta is
         * normal.
         */
        public Long rowDelta() {
            if (sourceRows.kind() != RowCount.Kind.EXACT || targetRows.kind() != RowCount.Kind.EXACT) {
                return null;
            }
            return sourceRows.rows() - targetRows.rows();
        }
    }
}
