package io.pgrouter;

import io.pgrouter.internal.RoutedConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A consistency checker: writer threads commit a row through the router and read it back right away, with or
 * without a causal session; a read that does not find the row is a violation. Counts where the reads went.
 */
final class ReadAfterWrite {

    static final String TABLE =
            "create table if not exists causal_check (id bigserial primary key, writer int, note text)";

    private final RoutingDataSource router;
    private final LongAdder pairs = new LongAdder();
    private final LongAdder violations = new LongAdder();
    private final LongAdder plainReads = new LongAdder();
    private final LongAdder plainReadsOnReplicas = new LongAdder();
    private final Map<RouteReason, AtomicLong> reasons = new EnumMap<>(RouteReason.class);

    ReadAfterWrite(RoutingDataSource router) {
        this.router = router;
        for (RouteReason r : RouteReason.values()) {
            reasons.put(r, new AtomicLong());
        }
    }

    /**
     * Runs {@code threads} writers for {@code duration}; each commits a row and reads it back, within a causal
     * session of its own when {@code withSession}, and every tenth pair also reads once without any session.
     */
    ReadAfterWrite run(int threads, Duration duration, boolean withSession) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long end = System.nanoTime() + duration.toNanos();
        try {
            Future<?>[] futures = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int writer = t;
                futures[t] = pool.submit(() -> {
                    CausalSession session = CausalSession.create();
                    while (System.nanoTime() < end) {
                        if (withSession) {
                            router.causal(session, () -> pair(writer));
                        } else {
                            pair(writer);
                        }
                        if (pairs.sum() % 10 == 0) {
                            plainRead();
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : futures) {
                f.get(duration.toMillis() + 120_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return this;
    }

    private Void pair(int writer) throws SQLException {
        long id;
        try (Connection c = router.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s =
                    c.prepareStatement("insert into causal_check (writer, note) values (?, 'w') returning id")) {
                s.setInt(1, writer);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            c.commit();
        }
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("select 1 from causal_check where id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        violations.increment();
                    }
                }
            }
            reasons.get(c.unwrap(RoutedConnection.class).route().reason()).incrementAndGet();
        }
        pairs.increment();
        return null;
    }

    private void plainRead() throws SQLException {
        try (Connection c = router.getConnection()) {
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("select 1")) {
                s.executeQuery().close();
            }
            plainReads.increment();
            RouteReason reason = c.unwrap(RoutedConnection.class).route().reason();
            if (reason == RouteReason.REPLICA) {
                plainReadsOnReplicas.increment();
            }
        }
    }

    long pairs() {
        return pairs.sum();
    }

    long violations() {
        return violations.sum();
    }

    long reads(RouteReason reason) {
        return reasons.get(reason).get();
    }

    /** Share of the read-backs a replica served. */
    double onReplicas() {
        long replica = reads(RouteReason.REPLICA)
                + reads(RouteReason.REPLICA_CAUGHT_UP)
                + reads(RouteReason.REPLICA_AFTER_WAIT);
        return pairs() == 0 ? 0 : (double) replica / pairs();
    }

    /** Share of the reads without a session a replica served. */
    double plainOnReplicas() {
        return plainReads.sum() == 0 ? 0 : (double) plainReadsOnReplicas.sum() / plainReads.sum();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format(
                "%d pairs, %d violations (%.3f%%), %.1f%% of read-backs on replicas,"
                        + " %.1f%% of %d reads without a session on replicas; read-backs by reason:",
                pairs(),
                violations(),
                pairs() == 0 ? 0 : 100.0 * violations() / pairs(),
                100 * onReplicas(),
                100 * plainOnReplicas(),
                plainReads.sum()));
        reasons.forEach((r, n) -> {
            if (n.get() > 0) {
                b.append(' ').append(r).append('=').append(n.get());
            }
        });
        return b.toString();
    }
}
