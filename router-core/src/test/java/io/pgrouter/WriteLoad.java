package io.pgrouter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Paced writes and reads through one router on threads of its own: every write inserts a fresh id, and the ids
 * whose commit was acknowledged are kept, so that a test can look for each of them on the final primary. Failures
 * are kept with their messages; write latencies are kept to show how long the gate held a write.
 */
final class WriteLoad implements AutoCloseable {

    private final RoutingDataSource router;
    private final int instance;
    private final AtomicLong ids;
    private final ExecutorService threads;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readFailures = new AtomicLong();
    private final List<Long> latencies = new ArrayList<>();
    /** When each acknowledged write ended ({@link System#nanoTime()}). */
    private final java.util.concurrent.ConcurrentSkipListSet<Long> ackedAt =
            new java.util.concurrent.ConcurrentSkipListSet<>();

    private volatile boolean stopped;

    /**
     * @param ids shared by every load on the table, so that ids never collide
     * @param pauseMillis the pause after each write, per thread
     */
    WriteLoad(RoutingDataSource router, int instance, AtomicLong ids, int writers, long pauseMillis) {
        this.router = router;
        this.instance = instance;
        this.ids = ids;
        this.threads = Executors.newFixedThreadPool(writers + 1);
        for (int i = 0; i < writers; i++) {
            threads.execute(() -> writeLoop(pauseMillis));
        }
        threads.execute(this::readLoop);
    }

    static void createTable(RoutingDataSource router) throws SQLException {
        try (Connection c = router.getConnection()) {
            c.createStatement()
                    .execute("CREATE TABLE IF NOT EXISTS acked(id bigint PRIMARY KEY, instance int NOT NULL)");
        }
    }

    private void writeLoop(long pauseMillis) {
        while (!stopped) {
            long id = ids.incrementAndGet();
            long started = System.nanoTime();
            try (Connection c = router.getConnection();
                    PreparedStatement s = c.prepareStatement("INSERT INTO acked(id, instance) VALUES (?, ?)")) {
                s.setLong(1, id);
                s.setInt(2, instance);
                s.executeUpdate();
                acknowledged.add(id);
                long ended = System.nanoTime();
                ackedAt.add(ended);
                record(ended - started);
            } catch (SQLException e) {
                failures.merge(e.getSQLState() + " " + e.getMessage(), 1, Integer::sum);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis)); // pacing, not waiting for a condition
        }
    }

    private void readLoop() {
        while (!stopped) {
            try (RouteScope scope = router.readOnly();
                    Connection c = router.getConnection();
                    ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM acked")) {
                rs.next();
                reads.incrementAndGet();
            } catch (SQLException e) {
                readFailures.incrementAndGet();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private synchronized void record(long nanos) {
        latencies.add(nanos);
    }

    /** When the first write acknowledged after {@code nanos} ended, or {@code null} when none was yet. */
    Long firstAckAfter(long nanos) {
        return ackedAt.ceiling(nanos);
    }

    /** Writes acknowledged so far. */
    int acknowledgedCount() {
        return acknowledged.size();
    }

    Set<Long> acknowledged() {
        return acknowledged;
    }

    int failed() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    Map<String, Integer> failures() {
        return Map.copyOf(failures);
    }

    long reads() {
        return reads.get();
    }

    long readFailures() {
        return readFailures.get();
    }

    /** The median and the longest write, in ms, and how many writes were acknowledged. */
    synchronized String latencySummary() {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return "no write";
        }
        return String.format(
                "%d writes, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                sorted.length,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }

    synchronized long maxLatencyMillis() {
        return latencies.stream().mapToLong(Long::longValue).max().orElse(0) / 1_000_000;
    }

    /** Stops the threads and waits for them (bounded). */
    @Override
    public void close() {
        stopped = true;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
