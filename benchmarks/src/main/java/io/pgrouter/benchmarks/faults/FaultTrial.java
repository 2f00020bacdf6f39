package io.pgrouter.benchmarks.faults;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One trial of one fault against one target: the load runs, the fault is injected, the load runs on, stops, and
 * the outcome is checked against the servers; then the cluster is healed for the next trial.
 */
public final class FaultTrial {

    /** How long the primary's pool stays exhausted in {@link Fault#PRIMARY_POOL_EXHAUSTED}. */
    static final Duration EXHAUSTED_FOR = Duration.ofSeconds(3);

    private static final AtomicLong TRIALS = new AtomicLong();

    /**
     * What one trial showed.
     *
     * @param failedWindowMs from the first failed write's start to the last failed write's end, 0 without any
     * @param writesFailedAfterPromotion failed writes that started after the new primary took writes (-1: no promotion)
     * @param lastFailedWriteStartAfterPromotionMs how long after the new primary took writes the last failed write
     *     started: a router cannot know of the promotion before its next probe, so this shows whether writes failed
     *     only until then (-1: no promotion, or no write failed after it)
     * @param writeWaitAfterPromotionMs the longest a write waited after the new primary took writes (-1: no promotion)
     * @param firstWriteAfterPromotionMs from the moment the new primary took writes to the first write acknowledged
     *     after it (-1: no promotion, or none)
     * @param hungCalls calls still running 15 s after the load stopped (a peer without socket timeouts on a frozen or
     *     cut-off node); they are not in {@code slowestCallMs}
     * @param activeAfter connections still handed out per pool once the load stopped
     */
    public record Outcome(
            Fault fault,
            String target,
            long reads,
            long readsOnReplica,
            long failedReads,
            long writes,
            long failedWrites,
            long failedWindowMs,
            long writesOnReplica,
            long lostWrites,
            long writesFailedAfterPromotion,
            long lastFailedWriteStartAfterPromotionMs,
            long writeWaitAfterPromotionMs,
            long firstWriteAfterPromotionMs,
            long slowestCallMs,
            int hungCalls,
            Map<String, Integer> activeAfter,
            String firstReadError,
            String firstWriteError) {

        /** Whether any pool still had a connection out after the load stopped. */
        public boolean leaked() {
            return activeAfter.values().stream().anyMatch(n -> n > 0);
        }
    }

    private FaultTrial() {}

    /**
     * Runs one trial.
     *
     * @param before how long the load runs before the fault
     * @param after how long it runs after the fault is in place
     */
    public static Outcome run(
            ReplicaSet cluster, Fault fault, Target.Factory factory, int threads, Duration before, Duration after)
            throws Exception {
        createTable(cluster);
        fault.prepare(cluster);
        PostgresNode oldPrimary = cluster.primary();
        AtomicLong promotedAt = new AtomicLong(-1);
        try (Target target = factory.open(cluster)) {
            awaitReadsOnReplica(target);
            FaultLoad load = FaultLoad.start(target, threads, TRIALS.incrementAndGet() * 1_000_000_000L);
            try {
                sleep(before);
                fault.inject(cluster, new Fault.Hooks() {
                    @Override
                    public void promoted() {
                        promotedAt.set(System.nanoTime());
                    }

                    @Override
                    public void exhaustPrimaryPool() throws Exception {
                        holdWriteConnections(target);
                    }
                });
                sleep(after);
            } finally {
                load.close();
            }
            Map<String, Integer> active = target.activeConnections();
            return outcome(fault, target.name(), load, promotedAt.get(), lostWrites(cluster, load), active);
        } finally {
            fault.heal(cluster, oldPrimary);
        }
    }

    private static Outcome outcome(
            Fault fault, String target, FaultLoad load, long promotedAt, long lost, Map<String, Integer> active) {
        List<FaultLoad.Failure> failures = load.failures();
        List<FaultLoad.Failure> readFailures =
                failures.stream().filter(f -> !f.write()).toList();
        List<FaultLoad.Failure> writeFailures =
                failures.stream().filter(FaultLoad.Failure::write).toList();
        long window = writeFailures.isEmpty()
                ? 0
                : TimeUnit.NANOSECONDS.toMillis(writeFailures.stream()
                                .mapToLong(FaultLoad.Failure::endNanos)
                                .max()
                                .getAsLong()
                        - writeFailures.stream()
                                .mapToLong(FaultLoad.Failure::startNanos)
                                .min()
                                .getAsLong());
        long failedAfterPromotion = -1;
        long lastFailedStartAfterPromotion = -1;
        long waitAfterPromotion = -1;
        long firstAfterPromotion = -1;
        if (promotedAt > 0) {
            failedAfterPromotion = writeFailures.stream()
                    .filter(f -> f.startNanos() >= promotedAt)
                    .count();
            lastFailedStartAfterPromotion =
                    writeFailures.stream()
                            .mapToLong(FaultLoad.Failure::startNanos)
                            .filter(start -> start >= promotedAt)
                            .max()
                            .stream()
                            .map(start -> TimeUnit.NANOSECONDS.toMillis(start - promotedAt))
                            .findFirst()
                            .orElse(-1);
            long longest = 0;
            for (FaultLoad.Ack ack : load.acks()) {
                if (ack.endNanos() > promotedAt) {
                    longest = Math.max(longest, ack.endNanos() - Math.max(ack.startNanos(), promotedAt));
                }
            }
            for (FaultLoad.Failure f : writeFailures) {
                if (f.endNanos() > promotedAt) {
                    longest = Math.max(longest, f.endNanos() - Math.max(f.startNanos(), promotedAt));
                }
            }
            waitAfterPromotion = TimeUnit.NANOSECONDS.toMillis(longest);
            firstAfterPromotion =
                    load.acks().stream()
                            .mapToLong(FaultLoad.Ack::endNanos)
                            .filter(end -> end > promotedAt)
                            .min()
                            .stream()
                            .map(end -> TimeUnit.NANOSECONDS.toMillis(end - promotedAt))
                            .findFirst()
                            .orElse(-1);
        }
        return new Outcome(
                fault,
                target,
                load.reads(),
                load.readsOnReplica(),
                readFailures.size(),
                load.acks().size(),
                writeFailures.size(),
                window,
                load.writesOnReplica(),
                lost,
                failedAfterPromotion,
                lastFailedStartAfterPromotion,
                waitAfterPromotion,
                firstAfterPromotion,
                load.slowestMillis(),
                load.hungCalls(),
                active,
                readFailures.isEmpty() ? null : readFailures.get(0).error(),
                writeFailures.isEmpty() ? null : writeFailures.get(0).error());
    }

    /** Acknowledged ids that the primary at the end of the trial does not have. */
    public static long lostWrites(ReplicaSet cluster, FaultLoad load) throws SQLException {
        Long[] ids = load.acks().stream().map(FaultLoad.Ack::id).toArray(Long[]::new);
        try (Connection c = cluster.primary().dataSource().getConnection()) {
            Array array = c.createArrayOf("bigint", ids);
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM unnest(?::bigint[]) AS acked(id)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM " + FaultLoad.TABLE + " w WHERE w.id = acked.id)")) {
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    /** Takes every connection the target's write pool has, makes each physical, holds them, then gives them back. */
    private static void holdWriteConnections(Target target) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < target.poolSize(); i++) {
                try {
                    Connection c = target.write();
                    held.add(c);
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    }
                } catch (SQLException e) {
                    break; // the load holds the rest
                }
            }
            sleep(EXHAUSTED_FOR);
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /** Creates the load's table on the primary, if absent, and waits until every replica has it. */
    public static void createTable(ReplicaSet cluster) throws SQLException {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + FaultLoad.TABLE
                    + " (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
        }
        cluster.awaitReplicated(Duration.ofSeconds(60));
    }

    private static void awaitReadsOnReplica(Target target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "no read yet";
        while (System.nanoTime() < deadline) {
            try (Connection c = target.read();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
                last = "reads still reach the primary";
            } catch (SQLException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException(target.name() + ": reads did not reach a replica within 30 s: " + last);
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
