package io.pgrouter;

import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reader threads that read through a router without pause until closed, recording where each read ran, when it
 * started and ended, and every failure: what a service sees while a test breaks a node.
 */
final class ReadLoad implements AutoCloseable {

    /** One read: where it ran ({@code null} when it failed), when it started and how long it took. */
    record Read(String node, long startedNanos, long nanos, String error) {}

    private final RoutingDataSource router;
    private final ReplicaSet cluster;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Read> reads = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> perNode = new ConcurrentHashMap<>();

    ReadLoad(RoutingDataSource router, ReplicaSet cluster, int threadCount) {
        this.router = router;
        this.cluster = cluster;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::loop, "read-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop() {
        while (running.get()) {
            long started = System.nanoTime();
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                String node = Where.of(c).node(cluster);
                reads.add(new Read(node, started, System.nanoTime() - started, null));
                perNode.computeIfAbsent(node, k -> new AtomicLong()).incrementAndGet();
            } catch (SQLException e) {
                reads.add(new Read(null, started, System.nanoTime() - started, e.getSQLState() + " " + e.getMessage()));
            }
        }
    }

    /** Reads recorded so far. */
    List<Read> reads() {
        return List.copyOf(reads);
    }

    /** Failed reads so far. */
    List<Read> failures() {
        return reads.stream().filter(r -> r.error() != null).toList();
    }

    /** Reads that started at or after {@code nanos}. */
    List<Read> startedAfter(long nanos) {
        return reads.stream().filter(r -> r.startedNanos() - nanos >= 0).toList();
    }

    Map<String, Long> perNode() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        perNode.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
