package io.pgrouter.benchmarks.soak;

import com.sun.management.UnixOperatingSystemMXBean;
import io.pgrouter.NodeStatus;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a soak watches for leaks, at one moment: the JVM's heap after a full collection, its threads and open file
 * descriptors, each node pool's connections (as the router reports them) and each server's client sessions (as
 * PostgreSQL reports them: the pools' and the health monitor's connections alike).
 *
 * @param seconds since the soak started
 * @param heapAfterGcBytes heap in use right after {@link System#gc()} (the live set)
 * @param threads live threads of the JVM
 * @param fixedThreads live threads outside the two pools that grow under a stall and shrink after a minute idle:
 *     Tomcat's request workers and the load's HTTP client workers
 * @param openFiles file descriptors the JVM holds open, -1 where the platform does not say
 * @param poolConnections per node name, the node pool's connections (in use and idle)
 * @param serverSessions per node name, client sessions on the server (this query's own excluded); a node that is down
 *     is missing
 */
record ResourceSample(
        double seconds,
        long heapAfterGcBytes,
        int threads,
        int fixedThreads,
        long openFiles,
        Map<String, Integer> poolConnections,
        Map<String, Integer> serverSessions) {

    /** Tomcat's request workers ({@code http-nio-127.0.0.1-auto-1-exec-3}) and the JDK HTTP client's. */
    private static final Pattern ELASTIC = Pattern.compile("http-nio-.*-exec-\\d+|HttpClient-\\d+-Worker-\\d+");

    private static final String SESSIONS =
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";

    /** Takes a sample; the collection it forces makes the heap figure the live set. */
    static ResourceSample take(double seconds, RoutingDataSource router, ReplicaSet cluster) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        int fixedThreads = (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !ELASTIC.matcher(t.getName()).matches())
                .count();
        long files = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount()
                : -1;
        Map<String, Integer> pools = new TreeMap<>();
        for (NodeStatus node : router.status().nodes()) {
            pools.put(node.name(), node.totalConnections());
        }
        Map<String, Integer> sessions = new TreeMap<>();
        for (PostgresNode node : cluster.nodes()) {
            if (node.isRunning()) {
                try (Connection c = node.dataSource().getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(SESSIONS)) {
                    rs.next();
                    sessions.put(node.name(), rs.getInt(1));
                } catch (SQLException e) {
                    // A node starting or stopping under a fault: no figure this time.
                }
            }
        }
        return new ResourceSample(seconds, heap, threads, fixedThreads, files, pools, sessions);
    }

    /** The pools' connections added up. */
    int totalPoolConnections() {
        return poolConnections.values().stream().mapToInt(Integer::intValue).sum();
    }
}
