package io.pgrouter.benchmarks.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load of the fault suite: threads that each run four reads (a primary-key lookup) for every write (an insert
 * with an id of its own), record every call that failed with when it started and ended, every acknowledged id,
 * and the slowest call. A write rejected as read-only (SQLSTATE 25006) reached a replica.
 */
final class FaultLoad implements AutoCloseable {

    static final String TABLE = "fault_writes";
    private static final String READ_ONLY_TRANSACTION = "25006";

    /** One call that failed. */
    record Failure(boolean write, long startNanos, long endNanos, String error) {}

    /** One write that succeeded: when it started and when it was acknowledged. */
    record Ack(long id, long startNanos, long endNanos) {}

    private final Target target;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Set<Long> writesOnReplica = ConcurrentHashMap.newKeySet();
    private final LongAdder reads = new LongAdder();
    private final LongAdder readsOnReplica = new LongAdder();
    private final LongAccumulator slowestNanos = new LongAccumulator(Math::max, 0);
    private volatile boolean stopped;
    private int hung;
    /** How long the load waits for calls in progress when it stops, before it counts them as hanging. */
    static final java.time.Duration HANG_LIMIT = java.time.Duration.ofSeconds(15);

    private FaultLoad(Target target) {
        this.target = target;
    }

    /** Starts {@code threads} load threads against {@code target}; ids are unique across trials by {@code idBase}. */
    static FaultLoad start(Target target, int threads, long idBase) {
        FaultLoad load = new FaultLoad(target);
        for (int i = 0; i < threads; i++) {
            long first = idBase + (long) i * 10_000_000L;
            Thread t = new Thread(() -> load.run(first), "fault-load-" + i);
            t.setDaemon(true);
            load.threads.add(t);
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    private void run(long firstId) {
        long next = firstId;
        long lastAcked = -1;
        for (long op = 0; !stopped; op++) {
            boolean write = op % 5 == 0;
            long started = System.nanoTime();
            try {
                if (write) {
                    long id = next++;
                    write(id);
                    acks.add(new Ack(id, started, System.nanoTime()));
                    lastAcked = id;
                } else {
                    read(lastAcked);
                }
            } catch (SQLException e) {
                if (write && READ_ONLY_TRANSACTION.equals(e.getSQLState())) {
                    writesOnReplica.add(next - 1);
                }
                failures.add(new Failure(write, started, System.nanoTime(), describe(e)));
            }
            slowestNanos.accumulate(System.nanoTime() - started);
            pause();
        }
    }

    private void write(long id) throws SQLException {
        try (Connection c = target.write();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id) VALUES (?)")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private void read(long id) throws SQLException {
        try (Connection c = target.read();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*), pg_is_in_recovery() FROM " + TABLE + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                reads.increment();
                if (rs.getBoolean(2)) {
                    readsOnReplica.increment();
                }
            }
        }
    }

    private static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return "[" + e.getSQLState() + "] " + (message.length() > 200 ? message.substring(0, 200) + "..." : message);
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    /**
     * Stops the threads and waits up to {@link #HANG_LIMIT} for each to finish its current call. A thread still in a
     * call then is counted as hanging ({@link #hungCalls()}) and left behind (a daemon): a peer without a socket
     * timeout waits on a frozen server until it thaws, and that is what the suite measures, not an error of the run.
     */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        long deadline = System.nanoTime() + HANG_LIMIT.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                hung++;
            }
        }
    }

    /** Calls still running {@link #HANG_LIMIT} after the load stopped. */
    int hungCalls() {
        return hung;
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    long reads() {
        return reads.sum();
    }

    long readsOnReplica() {
        return readsOnReplica.sum();
    }

    int writesOnReplica() {
        return writesOnReplica.size();
    }

    long slowestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    }
}
