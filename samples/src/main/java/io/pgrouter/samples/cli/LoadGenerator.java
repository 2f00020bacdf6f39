package io.pgrouter.samples.cli;

import io.pgrouter.RouteReason;
import io.pgrouter.RoutingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A JDBC load through pgrouter against any primary and replicas: closed-loop threads, each doing a read
 * (read-only connection) or a write (insert into its own table {@code pgrouter_load}) by the given mix. Prints
 * throughput, where reads ran and errors every second, and a summary with route counts at the end.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Drives a read/write mix through pgrouter and reports.")
public final class LoadGenerator implements Callable<Integer> {

    @Mixin
    RouterOptions router = new RouterOptions();

    @Option(names = "--threads", defaultValue = "8", description = "Closed-loop threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--seconds", defaultValue = "30", description = "How long to run. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(
            names = "--read-percent",
            defaultValue = "80",
            description = "Share of reads, 0 to 100. Default: ${DEFAULT-VALUE}.")
    int readPercent;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || seconds < 1 || readPercent < 0 || readPercent > 100) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--threads and --seconds must be at least 1 and --read-percent 0 to 100; were " + threads + ", "
                            + seconds + ", " + readPercent);
        }
        try (RoutingDataSource ds = router.build()) {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE IF NOT EXISTS pgrouter_load (id bigserial PRIMARY KEY, payload text, at timestamptz DEFAULT now())");
            }
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> loop(ds), "load-" + i);
                t.start();
                workers.add(t);
            }
            Map<String, Long> last = Map.of();
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(1000);
                Map<String, Long> now = snapshot(counts);
                System.out.printf(
                        "%4ds  writes/s %6d  reads on replica/s %6d  reads on primary/s %6d  errors %d%n",
                        s,
                        delta(now, last, "write"),
                        delta(now, last, "read replica"),
                        delta(now, last, "read primary"),
                        snapshot(errors).values().stream()
                                .mapToLong(Long::longValue)
                                .sum());
                last = now;
            }
            running = false;
            for (Thread t : workers) {
                t.join();
            }
            System.out.printf("%nTotals: %s%nErrors: %s%n", snapshot(counts), snapshot(errors));
            ds.status().nodes().forEach(n -> {
                Map<RouteReason, Long> routes = new TreeMap<>();
                n.routes().forEach((k, v) -> {
                    if (v > 0) {
                        routes.put(k, v);
                    }
                });
                System.out.printf("  %-12s %s%n", n.name(), routes);
            });
            return errors.isEmpty() ? 0 : 1;
        }
    }

    private void loop(RoutingDataSource ds) {
        while (running) {
            boolean read = ThreadLocalRandom.current().nextInt(100) < readPercent;
            try (Connection c = ds.getConnection()) {
                if (read) {
                    c.setReadOnly(true);
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(
                                    "SELECT pg_is_in_recovery(), count(*) FROM (SELECT 1 FROM pgrouter_load ORDER BY id DESC LIMIT 100) t")) {
                        rs.next();
                        count(rs.getBoolean(1) ? "read replica" : "read primary");
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO pgrouter_load (payload) VALUES (?)")) {
                        ps.setString(
                                1, Long.toHexString(ThreadLocalRandom.current().nextLong()));
                        ps.executeUpdate();
                        count("write");
                    }
                }
            } catch (SQLException e) {
                errors.computeIfAbsent(
                                (read ? "read: " : "write: ") + e.getSQLState() + " " + e.getMessage(),
                                k -> new LongAdder())
                        .increment();
            }
        }
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static long delta(Map<String, Long> now, Map<String, Long> last, String key) {
        return now.getOrDefault(key, 0L) - last.getOrDefault(key, 0L);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
        Map<String, Long> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
