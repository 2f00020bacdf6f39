package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.junit.EnabledIfPatroniInstalled;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pgrouter reading a real Patroni cluster (etcd + Patroni + PostgreSQL from the operating system): members added and
 * removed at run time join and leave the router, a Patroni switchover under the router's write gate fails no write,
 * and after a failover writes resume on the member Patroni promotes. Skipped, with the reason, where Patroni is not
 * installed.
 */
@EnabledIfPatroniInstalled
class PatroniTopologyIT {

    /** Generous: a 2-core machine shared with other builds; Patroni itself needs about ttl (8 s) for a failover. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static final Duration INTERVAL = Duration.ofMillis(250);

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

    @BeforeEach
    void healthy() {
        cluster.awaitStreaming(DEADLINE);
    }

    private static RoutingDataSource router() {
        PatroniMember leader = cluster.leader();
        return RoutingDataSource.builder()
                .primary(leader.name(), cluster.jdbcUrl(leader), cluster.user(), cluster.password())
                .probeInterval(INTERVAL)
                .topologyRefreshInterval(INTERVAL)
                .topologySource(PatroniTopologySource.builder()
                        .endpoints(cluster.restUrls().toArray(URI[]::new))
                        .build())
                .build();
    }

    @Test
    void aMemberAddedTakesReadsAndAMemberRemovedIsDrainedWithoutAFailedRead() throws Exception {
        try (RoutingDataSource router = router();
                Reads reads = new Reads(router, 3)) {
            // Every member Patroni lists as running is a node (the first refresh ran in build(); a member that just
            // rejoined after a test's failover joins once Patroni lists it as running again).
            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(router.status().nodes())
                            .extracting(NodeStatus::name)
                            .containsExactlyInAnyOrderElementsOf(cluster.members().stream()
                                    .map(PatroniMember::name)
                                    .toList()));
            assertThat(router.status().topologySource().reachable()).isTrue();

            PatroniMember added = cluster.addMember();
            long listed = System.nanoTime();
            long streaming = streamingSince(added);
            await().atMost(DEADLINE).until(() -> reads.firstAt(added.pgPort(), listed) != null);
            long firstRead = reads.firstAt(added.pgPort(), listed);
            System.out.printf(
                    "Patroni: %s listed as %s; its PostgreSQL streams %d ms later; first read there %d ms after it"
                            + " streams (probe and refresh interval %d ms)%n",
                    added.name(),
                    added.state(),
                    TimeUnit.NANOSECONDS.toMillis(streaming - listed),
                    TimeUnit.NANOSECONDS.toMillis(firstRead - streaming),
                    INTERVAL.toMillis());
            // Patroni 3.0 lists a replica as running, not streaming: its WAL receiver says when it streams.
            assertThat(firstRead - streaming)
                    .as("from streaming to the first read, ns")
                    .isLessThan(DEADLINE.toNanos());

            cluster.awaitStreaming(DEADLINE);
            PatroniMember removed = added;
            long removing = System.nanoTime();
            cluster.removeMember(removed.name());
            await().atMost(DEADLINE)
                    .until(() -> router.status().nodes().stream()
                            .noneMatch(n -> n.name().equals(removed.name())));
            long gone = System.nanoTime();
            await().atMost(DEADLINE).until(() -> reads.count() > 200 + reads.startedBefore(gone));
            reads.close();
            System.out.printf(
                    "Patroni: %s removed (its PostgreSQL stopped, then unlisted) under load: left the router %d ms after"
                            + " removeMember began; %d reads, %d failed, per port %s%n",
                    removed.name(),
                    TimeUnit.NANOSECONDS.toMillis(gone - removing),
                    reads.count(),
                    reads.failures().size(),
                    reads.perPort());
            assertThat(reads.failures()).as("failed reads").isEmpty();
        }
    }

    /** When the member's WAL receiver first says {@code streaming}, asked every 10 ms over a connection of its own. */
    private static long streamingSince(PatroniMember member) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(member), cluster.user(), cluster.password())) {
            AtomicLong since = new AtomicLong();
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT status FROM pg_stat_wal_receiver")) {
                    if (rs.next() && "streaming".equals(rs.getString(1))) {
                        since.set(System.nanoTime());
                        return true;
                    }
                }
                return false;
            });
            return since.get();
        }
    }

    @Test
    void aPatroniSwitchoverUnderTheWriteGateFailsNoWrite() throws Exception {
        try (RoutingDataSource router = router()) {
            WriteLoad.createTable(router);
            PatroniMember leader = cluster.leader();
            String candidate = cluster.members().stream()
                    .filter(m -> !m.isLeader())
                    .findFirst()
                    .orElseThrow()
                    .name();
            AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
            WriteLoad load = new WriteLoad(router, 1, ids, 6, 5);
            await().atMost(DEADLINE).until(() -> load.acknowledgedCount() > 100);
            // The offered load, measured before the switchover: the gate holds writes for its length.
            int steadyFrom = load.acknowledgedCount();
            long steadyStart = System.nanoTime();
            await().atMost(DEADLINE).until(() -> System.nanoTime() - steadyStart > TimeUnit.SECONDS.toNanos(3));
            double rate = (load.acknowledgedCount() - steadyFrom) / ((System.nanoTime() - steadyStart) / 1e9);
            int before = load.acknowledgedCount();
            long started = System.nanoTime();
            router.holdWritesWhile(Duration.ofSeconds(60), () -> cluster.switchover(candidate));
            long moved = System.nanoTime();
            await().atMost(DEADLINE).until(() -> load.acknowledgedCount() > before + 1000);
            load.close();
            System.out.printf(
                    "Patroni switchover %s -> %s under the write gate: writes held %d ms, %.0f writes/s before it, %d"
                            + " failed, write latency %s%n",
                    leader.name(),
                    candidate,
                    TimeUnit.NANOSECONDS.toMillis(moved - started),
                    rate,
                    load.failed(),
                    load.latencySummary());
            assertThat(load.failures()).as("failed writes").isEmpty();
            assertThat(rate).isGreaterThanOrEqualTo(200);
            assertThat(router.status().primary().name()).isEqualTo(candidate);
            try (Connection c = DriverManager.getConnection(
                            cluster.jdbcUrl(candidate), cluster.user(), cluster.password());
                    PreparedStatement s = c.prepareStatement("SELECT count(*) FROM acked WHERE id = ANY(?)")) {
                s.setArray(1, c.createArrayOf("bigint", load.acknowledged().toArray()));
                ResultSet rs = s.executeQuery();
                rs.next();
                assertThat(rs.getLong(1))
                        .as("acknowledged writes on the new leader")
                        .isEqualTo(load.acknowledged().size());
            }
        }
    }

    @Test
    void afterAFailoverWritesResumeAsSoonAsPatroniPromotes() throws Exception {
        List<Long> delays = new ArrayList<>();
        for (int trial = 1; trial <= 5; trial++) {
            cluster.awaitStreaming(DEADLINE);
            try (RoutingDataSource router = router()) {
                WriteLoad.createTable(router);
                PatroniMember leader = cluster.leader();
                AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
                WriteLoad load = new WriteLoad(router, trial, ids, 4, 5);
                await().atMost(DEADLINE).until(() -> load.acknowledgedCount() > 100);
                try (PatroniPromotionWatch watch = new PatroniPromotionWatch(cluster, leader.name())) {
                    cluster.kill(leader.name());
                    long promoted = watch.promotedAt(DEADLINE);
                    await().atMost(DEADLINE).until(() -> load.firstAckAfter(promoted) != null);
                    long delay = load.firstAckAfter(promoted) - promoted;
                    delays.add(delay);
                    System.out.printf(
                            "Patroni failover trial %d: %s killed; first write through pgrouter %d ms after the"
                                    + " promotion%n",
                            trial, leader.name(), TimeUnit.NANOSECONDS.toMillis(delay));
                } finally {
                    load.close();
                    cluster.start(leader.name());
                }
            }
        }
        List<Long> sorted = delays.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        System.out.printf(
                "Patroni failover: first write after the promotion, ms: %s, median %d%n",
                delays.stream().map(TimeUnit.NANOSECONDS::toMillis).toList(), TimeUnit.NANOSECONDS.toMillis(median));
        assertThat(TimeUnit.NANOSECONDS.toMillis(median)).isLessThan(1000);
    }

    /** Reader threads through the router, recording the server port each read ran on, when, and every failure. */
    private static final class Reads implements AutoCloseable {
        private record Read(int port, long startedNanos) {}

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final List<Read> reads = new CopyOnWriteArrayList<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();

        Reads(RoutingDataSource router, int count) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> loop(router), "patroni-reads-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void loop(RoutingDataSource router) {
            while (running.get()) {
                long started = System.nanoTime();
                try (Connection c = router.getConnection()) {
                    c.setReadOnly(true);
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                        rs.next();
                        reads.add(new Read(rs.getInt(1), started));
                    }
                } catch (SQLException e) {
                    failures.add(e.getSQLState() + " " + e.getMessage());
                }
            }
        }

        /** When the first read on {@code port} that started after {@code after} started, or {@code null}. */
        Long firstAt(int port, long after) {
            return reads.stream()
                    .filter(r -> r.port() == port && r.startedNanos() - after >= 0)
                    .map(Read::startedNanos)
                    .min(Long::compare)
                    .orElse(null);
        }

        int count() {
            return reads.size();
        }

        long startedBefore(long nanos) {
            return reads.stream().filter(r -> r.startedNanos() - nanos < 0).count();
        }

        List<String> failures() {
            return failures;
        }

        Map<Integer, Long> perPort() {
            Map<Integer, Long> counts = new java.util.TreeMap<>();
            reads.forEach(r -> counts.merge(r.port(), 1L, Long::sum));
            return counts;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }
}
