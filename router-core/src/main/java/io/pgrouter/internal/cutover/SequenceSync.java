package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.SequenceMove;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets every sequence of the published tables on the target past the source's: the sequences the tables' columns own
 * ({@code serial}, {@code identity}) and those their column defaults call ({@code nextval('shared_seq')}). Each
 * sequence on the target is set to the source's last value plus {@code margin} increments, and never moved back (a
 * repeated synchronization, or one after writes on the target, leaves a sequence that is already past). Needs
 * {@code SELECT} on the sequences on both sides and {@code UPDATE} on those of the target.
 */
public final class SequenceSync {

    /** The publications of a subscription on the target, comma-separated. */
    private static final String PUBLICATIONS = """
            SELECT array_to_string(subpublications, ',') FROM pg_subscription
             WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND subname = ?""";

    /** On the source: the sequences of the published tables, qualified and quoted, with their increments. */
    private static final String SEQUENCES = """
            WITH published AS (
                SELECT c.oid FROM pg_publication_tables p
                  JOIN pg_namespace n ON n.nspname = p.schemaname
                  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
                 WHERE p.pubname = ANY (string_to_array(?, ','))),
            owned AS (
                SELECT d.objid AS seq FROM pg_depend d
                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                   AND d.deptype IN ('a', 'i') AND d.refobjid IN (SELECT oid FROM published)
                UNION
                SELECT d.refobjid FROM pg_attrdef ad
                  JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                                  AND d.refclassid = 'pg_class'::regclass
                 WHERE ad.adrelid IN (SELECT oid FROM published))
            SELECT format('%I.%I', n.nspname, s.relname), q.seqincrement
              FROM owned o
              JOIN pg_class s ON s.oid = o.seq AND s.relkind = 'S'
              JOIN pg_namespace n ON n.oid = s.relnamespace
              JOIN pg_sequence q ON q.seqrelid = s.oid
             ORDER BY 1""";

    /** On the target: the bounds of a sequence by name, or no row when it is missing. */
    private static final String BOUNDS =
            "SELECT q.seqmin, q.seqmax, q.seqincrement FROM pg_sequence q WHERE q.seqrelid = to_regclass(?)";

    private final long margin;
    private final int timeoutSeconds;

    /**
     * @param margin how many increments past the source's last value the target's sequences are set, at least 0
     * @param timeoutSeconds each statement's bound
     */
    public SequenceSync(long margin, int timeoutSeconds) {
        if (margin < 0) {
            throw new IllegalArgumentException("sequence margin must be at least 0, was " + margin);
        }
        this.margin = margin;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * The publications of {@code subscription} on the target, comma-separated.
     *
     * @throws SQLException naming the subscription when the target has none of that name
     */
    public String publications(Connection target, String subscription) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(PUBLICATIONS)) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setString(1, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("subscription " + subscription + " does not exist in the target's database");
                }
                return rs.getString(1);
            }
        }
    }

    /**
     * Reads every sequence of the tables of {@code publications} on both sides and, when {@code apply}, sets those of
     * the target that are behind. A sequence that goes down counts down the same way.
     *
     * @throws SQLException naming the sequence when it is missing on the target, or the margin would take it past its
     *     bound there
     */
    public List<SequenceMove> sync(Connection source, Connection target, String publications, boolean apply)
            throws SQLException {
        List<SequenceMove> moves = new ArrayList<>();
        for (String[] seq : sequences(source, publications)) {
            moves.add(syncOne(source, target, seq[0], Long.parseLong(seq[1]), apply));
        }
        return moves;
    }

    /**
     * As {@link #sync}, on a connection to each side opened for it and closed after; the subscription names the
     * publications.
     */
    public List<SequenceMove> sync(Endpoint source, Endpoint target, String subscription, boolean apply)
            throws SQLException {
        try (Connection t = target.connect();
                Connection s = source.connect()) {
            // Not read-only on the source: through a router that would be a replica, whose sequences may lag.
            t.setAutoCommit(true);
            return sync(s, t, publications(t, subscription), apply);
        }
    }

    private List<String[]> sequences(Connection source, String publications) throws SQLException {
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement(SEQUENCES)) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setString(1, publications);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return found;
    }

    private SequenceMove syncOne(Connection source, Connection target, String sequence, long increment, boolean apply)
            throws SQLException {
        Long sourceLast = lastHandedOut(source, sequence);
        long[] bounds = bounds(target, sequence);
        Long targetBefore = lastHandedOut(target, sequence);
        if (sourceLast == null) {
            return new SequenceMove(sequence, null, targetBefore, targetBefore, false);
        }
        long wanted;
        try {
            wanted = Math.addExact(sourceLast, Math.multiplyExact(margin, increment));
        } catch (ArithmeticException e) {
            throw outOfRange(sequence, sourceLast, bounds);
        }
        if (wanted < bounds[0] || wanted > bounds[1]) {
            throw outOfRange(sequence, sourceLast, bounds);
        }
        boolean behind = targetBefore == null || (bounds[2] > 0 ? targetBefore < wanted : targetBefore > wanted);
        if (!behind || !apply) {
            return new SequenceMove(sequence, sourceLast, targetBefore, behind ? wanted : targetBefore, false);
        }
        try (PreparedStatement ps = target.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setString(1, sequence);
            ps.setLong(2, wanted);
            ps.execute();
        }
        return new SequenceMove(sequence, sourceLast, targetBefore, wanted, true);
    }

    /** The last value the sequence handed out, or {@code null} when it handed out none. */
    private Long lastHandedOut(Connection c, String sequence) throws SQLException {
        // The name comes from format('%I.%I') on the source: quoted where needed, safe to put into the statement.
        try (PreparedStatement ps = c.prepareStatement("SELECT last_value, is_called FROM " + sequence)) {
            ps.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(2) ? rs.getLong(1) : null;
            }
        }
    }

    private long[] bounds(Connection target, String sequence) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(BOUNDS)) {
            ps.setQueryTimeout(timeoutSeconds);
            ps.setString(1, sequence);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("sequence " + sequence + " of a published table does not exist on the"
                            + " target: create it with the same DDL as on the source");
                }
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private SQLException outOfRange(String sequence, long sourceLast, long[] bounds) {
        return new SQLException(
                "sequence " + sequence + ": the source's last value " + sourceLast + " plus a margin of " + margin
                        + " increments is outside its range on the target (" + bounds[0] + " to " + bounds[1] + ")");
    }
}
