package io.pgrouter.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Background threads that each repeat one step until stopped: the readers and writers of the load and detection
 * entries. A step's own failures are its business (it counts them); an escaping exception ends that thread and is
 * reported by {@link #close()}.
 */
public final class Loops implements AutoCloseable {

    /** One iteration of a loop; {@code thread} is the loop's index. */
    @FunctionalInterface
    public interface Step {
        void run(int thread) throws Exception;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> escaped = new ArrayList<>();
    private volatile boolean stopped;

    private Loops() {}

    /** Starts {@code count} daemon threads named {@code name-<i>}, each running {@code step} until closed. */
    public static Loops start(String name, int count, Step step) {
        Loops loops = new Loops();
        for (int i = 0; i < count; i++) {
            int index = i;
            Thread thread = new Thread(() -> loops.repeat(index, step), name + "-" + i);
            thread.setDaemon(true);
            loops.threads.add(thread);
        }
        loops.threads.forEach(Thread::start);
        return loops;
    }

    private void repeat(int index, Step step) {
        try {
            while (!stopped) {
                step.run(index);
            }
        } catch (Throwable t) {
            synchronized (escaped) {
                escaped.add(t);
            }
        }
    }

    public boolean stopped() {
        return stopped;
    }

    /**
     * Stops the loops and waits up to 10 s for them.
     *
     * @throws IllegalStateException if a loop died of an exception or did not stop
     */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
            }
        }
        synchronized (escaped) {
            if (!escaped.isEmpty()) {
                IllegalStateException e = new IllegalStateException(escaped.size() + " loop(s) died");
                escaped.forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Sleeps, for pacing a loop; an interrupt ends the sleep early and is kept. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
