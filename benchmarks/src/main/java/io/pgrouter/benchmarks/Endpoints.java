package io.pgrouter.benchmarks;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a cluster's servers listen and how to log in: what the JMH forks, which run in other JVMs, need to reach
 * the cluster the runner started. Passed to them as system properties (a throwaway test kit cluster on
 * loopback, so its password on a command line is harmless).
 *
 * @param primary {@code host:port} of the primary
 * @param replicas {@code host:port} of each replica
 */
public record Endpoints(String primary, List<String> replicas, String database, String user, String password) {

    private static final String PREFIX = "pgrouter.bench.";

    public Endpoints {
        replicas = List.copyOf(replicas);
    }

    /** The cluster's nodes as they are now (roles change with promotions). */
    public static Endpoints of(ReplicaSet cluster) {
        List<String> replicas = new ArrayList<>();
        for (PostgresNode node : cluster.replicas()) {
            replicas.add(node.host() + ":" + node.port());
        }
        PostgresNode primary = cluster.primary();
        return new Endpoints(
                primary.host() + ":" + primary.port(),
                replicas,
                cluster.database(),
                cluster.user(),
                cluster.password());
    }

    /** Read back from what {@link #asJvmArgs()} set. */
    public static Endpoints fromSystemProperties() {
        String replicas = required("replicas");
        return new Endpoints(
                required("primary"),
                replicas.isEmpty() ? List.of() : Arrays.asList(replicas.split(",")),
                required("database"),
                required("user"),
                required("password"));
    }

    /** {@code -D} options for a forked JVM. */
    public String[] asJvmArgs() {
        return new String[] {
            "-D" + PREFIX + "primary=" + primary,
            "-D" + PREFIX + "replicas=" + String.join(",", replicas),
            "-D" + PREFIX + "database=" + database,
            "-D" + PREFIX + "user=" + user,
            "-D" + PREFIX + "password=" + password
        };
    }

    public String primaryUrl() {
        return url(primary);
    }

    public String replicaUrl(int index) {
        return url(replicas.get(index));
    }

    /** One pgjdbc URL listing the primary first, then the replicas; {@code parameters} without the leading '?'. */
    public String multiHostUrl(String parameters) {
        List<String> hosts = new ArrayList<>();
        hosts.add(primary);
        hosts.addAll(replicas);
        return "jdbc:postgresql://" + String.join(",", hosts) + "/" + database + "?" + parameters;
    }

    private String url(String hostPort) {
        return "jdbc:postgresql://" + hostPort + "/" + database;
    }

    private static String required(String key) {
        String value = System.getProperty(PREFIX + key);
        if (value == null) {
            throw new IllegalStateException("system property " + PREFIX + key
                    + " is not set: run the benchmarks through io.pgrouter.benchmarks.BenchmarkRunner");
        }
        return value;
    }
}
