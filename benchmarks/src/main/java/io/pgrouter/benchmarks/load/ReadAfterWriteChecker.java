package io.pgrouter.benchmarks.load;

import io.pgrouter.CausalSession;
import io.pgrouter.RouteScope;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.benchmarks.Loops;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The consistency checker: writer threads commit rows through one router ("this service"), each in a causal session
 * of its own, and the rows are read back right after the commit in three ways: through the same router with a session
 * made from the writer's token (the user's next request), on another thread that was handed the session object, and
 * through a second router over the same cluster ("another service") that got only the token. A read-back that does
 * not find its row is a violation. Plain reads without any session run beside them, to show where reads that carry no
 * position go.
 *
 * <p>Writers are paced to a target rate and never wait for a read-back, so that the write rate measures writes: a
 * read-back may wait up to max-wait for a replica, which on a writer's thread held the writer back (178 and 117
 * writes/s instead of 300 under a 200 ms replay delay). A write is handed to a reader only if one is free at that
 * moment (a {@link SynchronousQueue}), so every check reads right after its write, never a backlog.
 */
final class ReadAfterWriteChecker {

    static final String TABLE =
            "CREATE TABLE IF NOT EXISTS rw_check (id bigserial PRIMARY KEY, writer int NOT NULL, at timestamptz)";

    /** Every this many writes, the write is read back through the same router from its token; the others go to a checker. */
    private static final int TOKEN_EVERY = 8;

    private static final int PLAIN_READERS = 2;

    /**
     * Threads for the token read-backs: 300 writes/s give about 38 a second, each waiting at most max-wait (100 ms);
     * few enough that two routers' pools stay under the test kit's max_connections.
     */
    static final int TOKEN_READERS = 6;

    /** How a read-back got the session. */
    enum Kind {
        SAME_ROUTER_TOKEN("same router, token"),
        OTHER_THREAD("other thread, session handed over"),
        OTHER_SERVICE("other router, token");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One way's counts. */
    record Counts(long pairs, long violations, long onReplica) {}

    /** What a run found. */
    record Result(
            double seconds,
            long writes,
            long pairs,
            long violations,
            long onReplica,
            Map<Kind, Counts> byKind,
            long plainReads,
            long plainOnReplica,
            long writesNotChecked,
            long errors) {

        double writesPerSecond() {
            return writes / seconds;
        }

        double violationRate() {
            return pairs == 0 ? Double.NaN : (double) violations / pairs;
        }

        double onReplicaShare() {
            return pairs == 0 ? Double.NaN : (double) onReplica / pairs;
        }

        double plainOnReplicaShare() {
            return plainReads == 0 ? Double.NaN : (double) plainOnReplica / plainReads;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%.0f s, %d writes (%.0f/s), %d pairs, %d violations (%.4f%%), %.1f%% of read-backs on replicas,"
                            + " %.1f%% of %d plain reads on replicas, %d writes not checked, %d errors",
                    seconds,
                    writes,
                    writesPerSecond(),
                    pairs,
                    violations,
                    100 * violationRate(),
                    100 * onReplicaShare(),
                    100 * plainOnReplicaShare(),
                    plainReads,
                    writesNotChecked,
                    errors);
        }
    }

    private record Check(CausalSession session, String token, long id) {}

    private final RoutingDataSource service;
    private final RoutingDataSource otherService;
    private final boolean sessions;
    private final Map<Kind, LongAdder[]> counts = new EnumMap<>(Kind.class);
    private final LongAdder writes = new LongAdder();
    private final LongAdder notChecked = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder plainReads = new LongAdder();
    private final LongAdder plainOnReplica = new LongAdder();
    private final SynchronousQueue<Check> handOff = new SynchronousQueue<>();
    private final SynchronousQueue<Check> tokenHandOff = new SynchronousQueue<>();

    /**
     * @param sessions whether writes and read-backs carry causal sessions; without, the checker measures how often
     *     plain reads right after a write miss it
     */
    ReadAfterWriteChecker(RoutingDataSource service, RoutingDataSource otherService, boolean sessions) {
        this.service = service;
        this.otherService = otherService;
        this.sessions = sessions;
        for (Kind kind : Kind.values()) {
            counts.put(kind, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
        }
    }

    /**
     * Runs until {@code targetPairs} read-backs were checked or {@code maxDuration} passed, whichever comes first.
     *
     * @param writesPerSecond the writers' combined target rate
     */
    Result run(int writers, double writesPerSecond, int checkers, long targetPairs, Duration maxDuration)
            throws Exception {
        long periodNanos = (long) (writers * 1e9 / writesPerSecond);
        Writer[] state = new Writer[writers];
        for (int i = 0; i < writers; i++) {
            state[i] = new Writer();
        }
        long started = System.nanoTime();
        long deadline = started + maxDuration.toNanos();
        try (Loops plain = Loops.start("plain-reader", PLAIN_READERS, t -> plainRead());
                Loops checks = Loops.start("checker", checkers, t -> takeCheck());
                Loops tokenReads = Loops.start("token-reader", TOKEN_READERS, t -> takeTokenCheck());
                Loops writing = Loops.start("writer", writers, t -> writeOnce(t, state[t], periodNanos))) {
            while (pairs() < targetPairs && System.nanoTime() < deadline && !writing.stopped()) {
                Loops.pause(100);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<Kind, Counts> byKind = new EnumMap<>(Kind.class);
        long violations = 0;
        long onReplica = 0;
        for (Kind kind : Kind.values()) {
            LongAdder[] c = counts.get(kind);
            byKind.put(kind, new Counts(c[0].sum(), c[1].sum(), c[2].sum()));
            violations += c[1].sum();
            onReplica += c[2].sum();
        }
        return new Result(
                seconds,
                writes.sum(),
                pairs(),
                violations,
                onReplica,
                byKind,
                plainReads.sum(),
                plainOnReplica.sum(),
                notChecked.sum(),
                errors.sum());
    }

    private long pairs() {
        long n = 0;
        for (LongAdder[] c : counts.values()) {
            n += c[0].sum();
        }
        return n;
    }

    /** One writer's state: its session, its count of writes and when its next write is due. */
    private static final class Writer {
        final CausalSession session = CausalSession.create();
        long written;
        long next = System.nanoTime();
    }

    /** One write of writer {@code w} at its share of the rate, and its read-back (or hand-off to a checker). */
    private void writeOnce(int w, Writer writer, long periodNanos) throws Exception {
        long id;
        try {
            id = sessions ? service.causal(writer.session, () -> write(w)) : write(w);
        } catch (SQLException e) {
            errors.increment();
            return;
        }
        writes.increment();
        Check check = new Check(writer.session, sessions ? writer.session.toToken() : "", id);
        boolean handed = ++writer.written % TOKEN_EVERY == 0 ? tokenHandOff.offer(check) : handOff.offer(check);
        if (!handed) {
            notChecked.increment();
        }
        writer.next += periodNanos;
        long ahead = writer.next - System.nanoTime();
        if (ahead > 0) {
            Loops.pause(TimeUnit.NANOSECONDS.toMillis(ahead));
        } else if (-ahead > TimeUnit.SECONDS.toNanos(1)) {
            writer.next = System.nanoTime(); // fell far behind (a stall): do not burst to catch up
        }
    }

    private long write(int writer) throws SQLException {
        try (Connection c = service.getConnection()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO rw_check (writer, at) VALUES (?, clock_timestamp()) RETURNING id")) {
                s.setInt(1, writer);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            c.commit();
            return id;
        }
    }

    private void takeCheck() throws Exception {
        Check check = handOff.poll(100, TimeUnit.MILLISECONDS);
        if (check == null) {
            return;
        }
        readBack(Kind.OTHER_THREAD, service, sessions ? check.session() : null, check.id());
        readBack(
                Kind.OTHER_SERVICE, otherService, sessions ? CausalSession.fromToken(check.token()) : null, check.id());
    }

    private void takeTokenCheck() throws Exception {
        Check check = tokenHandOff.poll(100, TimeUnit.MILLISECONDS);
        if (check != null) {
            readBack(
                    Kind.SAME_ROUTER_TOKEN,
                    service,
                    sessions ? CausalSession.fromToken(check.token()) : null,
                    check.id());
        }
    }

    @SuppressWarnings("try") // the scope is held for its effect on the thread
    private void readBack(Kind kind, RoutingDataSource router, CausalSession session, long id) {
        try (RouteScope ignored = session == null ? null : router.causal(session);
                Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (PreparedStatement s =
                    c.prepareStatement("SELECT EXISTS (SELECT 1 FROM rw_check WHERE id = ?), pg_is_in_recovery()")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    LongAdder[] c3 = counts.get(kind);
                    c3[0].increment();
                    if (!rs.getBoolean(1)) {
                        c3[1].increment();
                    }
                    if (rs.getBoolean(2)) {
                        c3[2].increment();
                    }
                }
            }
        } catch (SQLException e) {
            errors.increment(); // a failed read says nothing about consistency
        }
    }

    private void plainRead() {
        try (Connection c = service.getConnection()) {
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_is_in_recovery()");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                plainReads.increment();
                if (rs.getBoolean(1)) {
                    plainOnReplica.increment();
                }
            }
        } catch (SQLException e) {
            errors.increment();
        }
        Loops.pause(5);
    }
}
