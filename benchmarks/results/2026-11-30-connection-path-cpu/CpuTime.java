import io.pgrouter.benchmarks.connection.ConnectionPathBenchmark;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The connection path's cost in CPU time of the calling thread (not wall time): on a machine whose load is far above
 * its cores, wall time per operation mostly measures how long the thread waited for a core. Runs
 * ConnectionPathBenchmark.selectOne (getConnection + SELECT 1 + close over the stub driver) for each path given;
 * prints the median and spread of the CPU ns per operation over batches, and the bytes allocated per operation.
 */
public class CpuTime {
    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) threads;
        int batch = Integer.parseInt(System.getProperty("batch", "200000"));
        int batches = Integer.parseInt(System.getProperty("batches", "15"));
        int warmup = Integer.parseInt(System.getProperty("warmup", "10"));
        for (String path : args) {
            ConnectionPathBenchmark b = new ConnectionPathBenchmark();
            b.path = path;
            b.backend = "stub";
            b.open();
            try {
                for (int i = 0; i < warmup * batch; i++) {
                    b.selectOne();
                }
                double[] ns = new double[batches];
                long tid = Thread.currentThread().getId();
                long bytes0 = alloc.getThreadAllocatedBytes(tid);
                for (int k = 0; k < batches; k++) {
                    long t0 = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < batch; i++) {
                        b.selectOne();
                    }
                    ns[k] = (threads.getCurrentThreadCpuTime() - t0) / (double) batch;
                }
                double bytes = (alloc.getThreadAllocatedBytes(tid) - bytes0) / ((double) batch * batches);
                Arrays.sort(ns);
                System.out.printf(
                        "%s cpu-ns/op median %.1f q1 %.1f q3 %.1f min %.1f B/op %.0f%n",
                        path, ns[batches / 2], ns[batches / 4], ns[3 * batches / 4], ns[0], bytes);
            } finally {
                b.close();
            }
        }
    }
}
