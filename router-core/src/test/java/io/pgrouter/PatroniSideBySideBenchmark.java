package io.pgrouter;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgrouter.testkit.junit.EnabledIfPatroniInstalled;
import io.pgrouter.testkit.patroni.HaproxyFrontend;
import io.pgrouter.testkit.patroni.PatroniCluster;
import io.pgrouter.testkit.patroni.PatroniMember;
import io.pgrouter.topology.PatroniTopologySource;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark of issue 15, side by side in one run on one Patroni cluster: HAProxy with the health checks Patroni's
 * documentation recommends (HikariCP behind it) against pgrouter reading Patroni's REST API (with the default
 * {@code primary-down-wait}, and as {@code pgrouter-wait} with one longer than Patroni's {@code ttl}), through a
 * failover (leader killed) and a switchover (Patroni's REST {@code switchover}; pgrouter holds its writes around it),
 * 5 trials each ({@code -Dpgrouter.bench.trials=N}), under about 200 writes/s and continuous reads. Prints one line per trial and a summary; the figures are in
 * {@code benchmarks/results/2026-11-30-topology/RESULTS.md}. Asserts only that every trial ended (the goals are
 * asserted by {@link PatroniTopologyIT}).
 *
 * <p>Not part of {@code verify} (it takes about ten minutes): run it by name,
 * {@code ./mvnw -B verify -pl router-core -am -Dit.test=PatroniSideBySideBenchmark -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfPatroniInstalled
class PatroniSideBySideBenchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(180);
    /** Trials per system and event; {@code -Dpgrouter.bench.trials=N} for another count. */
    private static final int TRIALS = Integer.getInteger("pgrouter.bench.trials", 5);
    /** Longer than the cluster's {@code ttl} (8 s): the writes of {@code pgrouter-wait} wait out a failover. */
    private static final Duration PRIMARY_DOWN_WAIT = Duration.ofSeconds(30);

    private static final List<String> SYSTEMS = List.of("haproxy", "pgrouter", "pgrouter-wait");

    private static PatroniCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PatroniCluster.start(3);
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Where a system sends writes and reads. */
    private interface Client extends AutoCloseable {
        Connection write() throws SQLException;

        Connection read() throws SQLException;

        /** Runs the switchover as this system can. */
        void switchover(String candidate) throws Exception;

        @Override
        void close();
    }

    private static Client haproxy() {
        HaproxyFrontend frontend = HaproxyFrontend.start(cluster);
        HikariDataSource writes = pool(frontend.primaryJdbcUrl(), "haproxy-primary");
        HikariDataSource reads = pool(frontend.replicaJdbcUrl(), "haproxy-replica");
        return new Client() {
            @Override
            public Connection write() throws SQLException {
                return writes.getConnection();
            }

            @Override
            public Connection read() throws SQLException {
                return reads.getConnection();
            }

            @Override
            public void switchover(String candidate) {
                cluster.switchover(candidate);
            }

            @Override
            public void close() {
                writes.close();
                reads.close();
                frontend.close();
            }

            @Override
            public String toString() {
                return "haproxy";
            }
        };
    }

    /** HikariCP with a short connection timeout, so that a write that finds no server is tried again soon. */
    private static HikariDataSource pool(String url, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(cluster.user());
        config.setPassword(cluster.password());
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(1000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** pgrouter on Patroni's REST API; {@code primaryDownWait} {@code null} for the default. */
    private static Client pgrouter(String name, Duration primaryDownWait) {
        PatroniMember leader = cluster.leader();
        RoutingDataSource.Builder builder = RoutingDataSource.builder()
                .primary(leader.name(), cluster.jdbcUrl(leader), cluster.user(), cluster.password())
                .probeInterval(Duration.ofMillis(250))
                .topologyRefreshInterval(Duration.ofMillis(250))
                .topologySource(PatroniTopologySource.builder()
                        .endpoints(cluster.restUrls().toArray(URI[]::new))
                        .build());
        if (primaryDownWait != null) {
            builder.primaryDownWait(primaryDownWait);
        }
        RoutingDataSource router = builder.build();
        return new Client() {
            @Override
            public Connection write() throws SQLException {
                return router.getConnection();
            }

            @Override
            public Connection read() throws SQLException {
                Connection c = router.getConnection();
                c.setReadOnly(true);
                return c;
            }

            @Override
            public void switchover(String candidate) throws Exception {
                router.holdWritesWhile(Duration.ofSeconds(60), () -> cluster.switchover(candidate));
            }

            @Override
            public void close() {
                router.close();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Writes (4 threads, a 5 ms pause each) and reads (2 threads) until closed; what succeeded when, what failed. */
    private static final class Load implements AutoCloseable {
        private final ExecutorService threads = Executors.newFixedThreadPool(6);
        private final ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
        private final ConcurrentSkipListSet<Long> writeFailures = new ConcurrentSkipListSet<>();
        private final ConcurrentSkipListSet<Long> readFailures = new ConcurrentSkipListSet<>();
        /** Why writes failed: the first line of each message, with how many times. */
        private final java.util.concurrent.ConcurrentMap<String, Integer> writeErrors =
                new java.util.concurrent.ConcurrentHashMap<>();

        private final AtomicLong ids = new AtomicLong(System.nanoTime());
        private volatile boolean stopped;

        Load(Client client) {
            for (int i = 0; i < 4; i++) {
                threads.execute(() -> {
                    while (!stopped) {
                        try (Connection c = client.write();
                                PreparedStatement s =
                                        c.prepareStatement("INSERT INTO acked(id, instance) VALUES (?, 0)")) {
                            s.setLong(1, ids.incrementAndGet());
                            s.executeUpdate();
                            acked.add(System.nanoTime());
                        } catch (SQLException e) {
                            writeFailures.add(System.nanoTime());
                            String why = String.valueOf(e.getMessage())
                                    .lines()
                                    .findFirst()
                                    .orElse("");
                            writeErrors.merge(why.length() > 120 ? why.substring(0, 120) : why, 1, Integer::sum);
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing
                    }
                });
            }
            for (int i = 0; i < 2; i++) {
                threads.execute(() -> {
                    while (!stopped) {
                        try (Connection c = client.read();
                                Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class")) {
                            rs.next();
                        } catch (SQLException e) {
                            readFailures.add(System.nanoTime());
                        }
                    }
                });
            }
        }

        /** The longest time without an acknowledged write between {@code from} and the last write. */
        long longestGap(long from) {
            long longest = 0;
            Long previous = acked.floor(from);
            for (Long t : acked.tailSet(from)) {
                if (previous != null) {
                    longest = Math.max(longest, t - previous);
                }
                previous = t;
            }
            return longest;
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            threads.shutdown();
            threads.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private record Trial(
            String system,
            String event,
            long toFirstWriteMs,
            long fromPromotionMs,
            long gapMs,
            int failedWrites,
            int failedReads,
            double writesPerSecond) {
        @Override
        public String toString() {
            return String.format(
                    "%s %s: first write %d ms after the event (%s after the promotion), longest write gap %d ms, %d"
                            + " failed writes, %d failed reads, %.0f writes/s",
                    system,
                    event,
                    toFirstWriteMs,
                    fromPromotionMs < 0 ? "-" : fromPromotionMs + " ms",
                    gapMs,
                    failedWrites,
                    failedReads,
                    writesPerSecond);
        }
    }

    @Test
    void failoverAndSwitchoverThroughHaproxyAndThroughPgrouter() throws Exception {
        try (Connection c = DriverManager.getConnection(
                        cluster.jdbcUrl(cluster.leader()), cluster.user(), cluster.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS acked(id bigint PRIMARY KEY, instance int NOT NULL)");
        }
        List<Trial> trials = new ArrayList<>();
        for (String event : List.of("failover", "switchover")) {
            for (int trial = 1; trial <= TRIALS; trial++) {
                for (String system : SYSTEMS) {
                    cluster.awaitStreaming(DEADLINE);
                    Trial t = run(client(system), event);
                    System.out.println("Side by side, trial " + trial + ": " + t);
                    trials.add(t);
                }
            }
        }
        System.out.println("Side by side, summary (median of " + TRIALS + " trials):");
        for (String system : SYSTEMS) {
            for (String event : List.of("failover", "switchover")) {
                List<Trial> these = trials.stream()
                        .filter(t -> t.system().equals(system) && t.event().equals(event))
                        .toList();
                System.out.printf(
                        "| %s | %s | %d | %s | %d | %d | %d |%n",
                        system,
                        event,
                        median(these.stream().mapToLong(Trial::toFirstWriteMs).toArray()),
                        event.equals("failover")
                                ? Long.toString(median(these.stream()
                                        .mapToLong(Trial::fromPromotionMs)
                                        .toArray()))
                                : "-",
                        median(these.stream().mapToLong(Trial::gapMs).toArray()),
                        these.stream().mapToInt(Trial::failedWrites).sum(),
                        these.stream().mapToInt(Trial::failedReads).sum());
            }
        }
    }

    private static Client client(String system) {
        return switch (system) {
            case "haproxy" -> haproxy();
            case "pgrouter" -> pgrouter(system, null);
            case "pgrouter-wait" -> pgrouter(system, PRIMARY_DOWN_WAIT);
            default -> throw new IllegalArgumentException("no system " + system);
        };
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Trial run(Client client, String event) throws Exception {
        PatroniMember leader = cluster.leader();
        String candidate = cluster.members().stream()
                .filter(m -> !m.isLeader())
                .findFirst()
                .orElseThrow()
                .name();
        try (client) {
            Load load = new Load(client);
            try {
                await().atMost(DEADLINE).until(() -> load.acked.size() > 200);
                long began = System.nanoTime();
                long promoted = -1;
                if (event.equals("failover")) {
                    try (PatroniPromotionWatch watch = new PatroniPromotionWatch(cluster, leader.name())) {
                        cluster.kill(leader.name());
                        promoted = watch.promotedAt(DEADLINE);
                    }
                    long after = promoted;
                    await().atMost(DEADLINE).until(() -> load.acked.ceiling(after) != null);
                } else {
                    client.switchover(candidate);
                }
                long eventEnd = System.nanoTime();
                await().atMost(DEADLINE).until(() -> load.acked.ceiling(eventEnd) != null);
                // Two more seconds of load after the first write on the new leader: late failures count too.
                long settled = load.acked.ceiling(eventEnd);
                await().atMost(DEADLINE).until(() -> System.nanoTime() - settled > TimeUnit.SECONDS.toNanos(2));
                long end = System.nanoTime();
                load.close();
                long firstAfterEvent =
                        event.equals("failover") ? load.acked.ceiling(promoted) : load.acked.ceiling(began);
                int writes = load.acked.subSet(began, end).size();
                if (!load.writeErrors.isEmpty()) {
                    System.out.println(
                            "Side by side, " + client + " " + event + ", why writes failed: " + load.writeErrors);
                }
                return new Trial(
                        client.toString(),
                        event,
                        TimeUnit.NANOSECONDS.toMillis(
                                (event.equals("failover") ? load.acked.ceiling(promoted) : firstAfterEvent) - began),
                        promoted < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(load.acked.ceiling(promoted) - promoted),
                        TimeUnit.NANOSECONDS.toMillis(load.longestGap(began)),
                        load.writeFailures.tailSet(began).size(),
                        load.readFailures.tailSet(began).size(),
                        writes / ((end - began) / 1e9));
            } finally {
                load.close();
                if (event.equals("failover")) {
                    cluster.start(leader.name());
                }
            }
        }
    }
}
