package io.pgrouter.benchmarks.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load of the fault suite: threads that each run four reads (a primary-key lookup, by default) for every write (an insert
 * with an id of its own), record every call that failed with when it started and ended, every acknowledged id,
 * and the slowest call. A write rejected as read-only (SQLSTATE 25006) reached a replica.
 */
public final class FaultLoad implements AutoCloseable {

    static final String TABLE = "fault_writes";
    private static final String READ_ONLY_TRANSACTION = "25006";

    /** One call that failed. */
    public record Failure(boolean write, long startNanos, long endNanos, String error) {}

    /** One write that succeeded: when it started and when it was acknowledged. */
    public record Ack(long id, long startNanos, long endNanos) {}

    private final Target target;
    private final int readsPerWrite;
    private final Duration pause;
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
    static final Duration HANG_LIMIT = Duration.ofSeconds(15);

    private FaultLoad(Target target, int readsPerWrite, Duration pause) {
        this.target = target;
        this.readsPerWrite = readsPerWrite;
        this.pause = pause;
    }

    /** Starts {@code threads} load threads against {@code target}; ids are unique across trials by {@code idBase}. */
    public static FaultLoad start(Target target, int threads, long idBase) {
        return start(target, threads, idBase, 4, Duration.ofMillis(2));
    }

    /**
     * As {@link #start(Target, int, long)}, with {@code readsPerWrite} reads for every write and {@code pause} after
     * every call (a paced load rather than a near-closed loop).
     */
    public static FaultLoad start(Target target, int threads, long idBase, int readsPerWrite, Duration pause) {
        FaultLoad load = new FaultLoad(target, readsPerWrite, pause);
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
            boolean write = op % (readsPerWrite + 1) == 0;
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
            TimeUnit.NANOSECONDS.sleep(pause.toNanos());
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
    public int hungCalls() {
        return hung;
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    public List<Ack> acks() {
        return List.copyOf(acks);
    }

    public long reads() {
        return reads.sum();
    }

    public long readsOnReplica() {
        return readsOnReplica.sum();
    }

    public int writesOnReplica() {
        return writesOnReplica.size();
    }

    public long slowestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    }
}
