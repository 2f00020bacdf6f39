package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.ReadinessReport.RowCount;
import io.pgrouter.cutover.ReadinessReport.SyncState;
import io.pgrouter.cutover.ReadinessReport.Table;
import io.pgrouter.internal.config.PgjdbcProperties;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Reads what a readiness check needs from the live databases, and nothing from anywhere else: the subscription, its
 * worker and its tables' states on the target, the WAL positions and the published tables on the source, row counts
 * on both. Every statement has the query timeout; a check costs a handful of catalog queries plus one
 * {@code count(*)} per side for each table estimated below the exact-count limit. Readable without superuser
 * rights: see {@code docs/cutover.md} for the privileges.
 */
final class ReadinessProbe {

    private static final String SUBSCRIPTION = """
            SELECT s.oid, s.subname, s.subenabled, s.subslotname, array_to_string(s.subpublications, ',')
              FROM pg_subscription s
             WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND (?::text IS NULL OR s.subname = ?::text)
             ORDER BY s.subname""";
    // Since PostgreSQL 16, parallel apply workers have no relid either, but the leader runs whenever one of them does.
    private static final String APPLY_WORKER = """
            SELECT coalesce(bool_or(relid IS NULL AND pid IS NOT NULL), false) FROM pg_stat_subscription WHERE subid = ?""";
    private static final String SUBSCRIBED_TABLES = """
            SELECT n.nspname, c.relname, r.srsubstate::text, c.reltuples::bigint
              FROM pg_subscription_rel r
              JOIN pg_class c ON c.oid = r.srrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE r.srsubid = ?
             ORDER BY 1, 2""";
    private static final String POSITIONS = """
            SELECT pg_current_wal_lsn()::text, s.confirmed_flush_lsn::text, s.slot_name IS NOT NULL
              FROM (SELECT 1) one LEFT JOIN pg_replication_slots s ON s.slot_name = ?""";
    private static final String PUBLISHED_TABLES = """
            SELECT p.schemaname::text, p.tablename::text, coalesce(c.reltuples, -1)::bigint
              FROM pg_publication_tables p
              LEFT JOIN pg_namespace n ON n.nspname = p.schemaname
              LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
             WHERE p.pubname = ANY (string_to_array(?, ','))""";

    private final Endpoint source;
    private final Endpoint target;
    private final ReadinessSettings settings;
    private final int timeoutSeconds;

    ReadinessProbe(Endpoint source, Endpoint target, ReadinessSettings settings) {
        this.source = source;
        this.target = target;
        this.settings = settings;
        this.timeoutSeconds = PgjdbcProperties.seconds(settings.queryTimeout());
    }

    Readings read() {
        List<String> problems = new ArrayList<>();
        Connection t = open(target, problems);
        Connection s = open(source, problems);
        try {
            Subscription sub = null;
            // Keyed by schema.name, in the order the target lists them, then published tables it lacks.
            Map<String, TableFacts> tables = new LinkedHashMap<>();
            if (t != null) {
                try {
                    sub = subscription(t, problems);
                    if (sub != null) {
                        sub = sub.withWorker(bool(t, APPLY_WORKER, sub.oid));
                        readSubscribedTables(t, sub.oid, tables);
                    }
                } catch (SQLException e) {
                    problems.add("cannot read the target (" + target + "): " + e.getMessage());
                    t = closed(t);
                }
            }
            long sourcePosition = -1;
            long confirmed = -1;
            boolean slotFound = false;
            if (s != null) {
                try {
                    if (sub != null) {
                        readPublishedTables(s, sub.publications, tables);
                    }
                    try (PreparedStatement ps = prepare(s, POSITIONS)) {
                        ps.setString(1, sub == null ? null : sub.slot);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            sourcePosition = lsn(rs.getString(1));
                            confirmed = lsn(rs.getString(2));
                            slotFound = rs.getBoolean(3);
                        }
                    }
                } catch (SQLException e) {
                    problems.add("cannot read the source (" + source + "): " + e.getMessage());
                    s = closed(s);
                }
            }
            countRows(s, t, tables);
            List<Table> result = new ArrayList<>();
            tables.forEach((key, f) -> result.add(new Table(f.schema, f.name, f.state, f.sourceRows, f.targetRows)));
            return new Readings(
                    problems,
                    sub == null ? null : sub.name,
                    sub != null && sub.enabled,
                    sub != null && sub.workerRunning,
                    sub == null ? null : sub.slot,
                    slotFound,
                    sourcePosition,
                    confirmed,
                    result);
        } finally {
            closed(t);
            closed(s);
        }
    }

    private static Connection open(Endpoint endpoint, List<String> problems) {
        try {
            return endpoint.connect();
        } catch (SQLException e) {
            problems.add("cannot connect to the " + endpoint + ": " + e.getMessage());
            return null;
        }
    }

    /** Closes quietly and returns {@code null}, so that a broken connection is not used again. */
    private static Connection closed(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already; nothing to release
            }
        }
        return null;
    }

    private Subscription subscription(Connection t, List<String> problems) throws SQLException {
        List<Subscription> found = new ArrayList<>();
        try (PreparedStatement ps = prepare(t, SUBSCRIPTION)) {
            ps.setString(1, settings.subscription());
            ps.setString(2, settings.subscription());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Subscription(
                            rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getString(5), false));
                }
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            problems.add(
                    settings.subscription() == null
                            ? "no subscription in the target's database"
                            : "no subscription '" + settings.subscription() + "' in the target's database");
        } else {
            problems.add("several subscriptions in the target's database "
                    + found.stream().map(Subscription::name).toList() + ": name one with subscription(...)");
        }
        return null;
    }

    private void readSubscribedTables(Connection t, long subscriptionOid, Map<String, TableFacts> tables)
            throws SQLException {
        try (PreparedStatement ps = prepare(t, SUBSCRIBED_TABLES)) {
            ps.setLong(1, subscriptionOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableFacts f = new TableFacts(
                            rs.getString(1),
                            rs.getString(2),
                            SyncState.of(rs.getString(3).charAt(0)));
                    f.targetEstimate = rs.getLong(4);
                    tables.put(f.key(), f);
                }
            }
        }
    }

    private void readPublishedTables(Connection s, String publications, Map<String, TableFacts> tables)
            throws SQLException {
        try (PreparedStatement ps = prepare(s, PUBLISHED_TABLES)) {
            ps.setString(1, publications);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableFacts f = tables.computeIfAbsent(
                            rs.getString(1) + "." + rs.getString(2),
                            k -> new TableFacts(null, null, SyncState.NOT_SUBSCRIBED));
                    if (f.schema == null) {
                        f.schema = rs.getString(1);
                        f.name = rs.getString(2);
                    }
                    f.sourceEstimate = rs.getLong(3);
                }
            }
        }
    }

    /**
     * Exact counts when both sides estimate fewer rows than the limit (or have no statistics yet: -1), else the
     * estimates; an exact count that fails or times out falls back to the estimate.
     */
    private void countRows(Connection s, Connection t, Map<String, TableFacts> tables) {
        for (TableFacts f : tables.values()) {
            boolean exact = Math.max(f.sourceEstimate, f.targetEstimate) < settings.exactCountRowLimit();
            f.sourceRows = count(s, f, exact, f.sourceEstimate);
            if (f.state != SyncState.NOT_SUBSCRIBED) {
                f.targetRows = count(t, f, exact, f.targetEstimate);
            }
        }
    }

    /** One side's rows; {@code c} is {@code null} when that side could not be read. */
    private RowCount count(Connection c, TableFacts f, boolean exact, long estimate) {
        if (c != null && exact) {
            try (PreparedStatement ps = prepare(c, "SELECT count(*) FROM " + quote(f.schema) + "." + quote(f.name));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RowCount(rs.getLong(1), RowCount.Kind.EXACT);
            } catch (SQLException e) {
                // A timeout (or a lock held too long) costs this table its exact count, not the whole check.
            }
        }
        return estimate >= 0 ? new RowCount(estimate, RowCount.Kind.ESTIMATE) : RowCount.UNKNOWN;
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setQueryTimeout(timeoutSeconds);
        return ps;
    }

    private boolean bool(Connection c, String sql, long oid) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static long lsn(String text) {
        return text == null ? -1 : LogSequenceNumber.valueOf(text).asLong();
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private record Subscription(
            long oid, String name, boolean enabled, String slot, String publications, boolean workerRunning) {
        Subscription withWorker(boolean running) {
            return new Subscription(oid, name, enabled, slot, publications, running);
        }
    }

    /** A table's facts while they are gathered from both sides. */
    private static final class TableFacts {
        String schema;
        String name;
        final SyncState state;
        long sourceEstimate = -1;
        long targetEstimate = -1;
        RowCount sourceRows = RowCount.UNKNOWN;
        RowCount targetRows = RowCount.UNKNOWN;

        TableFacts(String schema, String name, SyncState state) {
            this.schema = schema;
            this.name = name;
            this.state = state;
        }

        String key() {
            return schema + "." + name;
        }
    }
}
