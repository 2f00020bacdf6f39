package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.Cleanup;
import io.pgrouter.testkit.internal.FreePorts;
import io.pgrouter.testkit.internal.RunDirectory;
import io.pgrouter.testkit.internal.ServerUser;
import io.pgrouter.testkit.internal.Sql;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A real Patroni cluster on this machine: a one-member etcd and Patroni members (a leader and streaming replicas)
 * running the operating system's {@code patroni}, {@code etcd} and PostgreSQL programs (Debian: packages
 * {@code patroni}, {@code etcd-server}, {@code postgresql-15}).
 *
 * <pre>{@code
 * try (PatroniCluster cluster = PatroniCluster.start(3)) {
 *     PatroniMember leader = cluster.leader();
 *     cluster.switchover("member-2");
 *     cluster.kill("member-2");                 // failover: Patroni promotes another member
 *     cluster.awaitLeader(Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>Everything listens on 127.0.0.1 on free ports. When the JVM is root, every process runs as the kit's unprivileged
 * user (like the kit's PostgreSQL servers). Patroni runs with timings for tests: a leader key lives
 * {@value PatroniConfig#TTL_SECONDS} s ({@code ttl}), the HA loop runs every {@value PatroniConfig#LOOP_WAIT_SECONDS}
 * s ({@code loop_wait}), etcd and PostgreSQL are retried for {@value PatroniConfig#RETRY_TIMEOUT_SECONDS} s
 * ({@code retry_timeout}); a killed leader is replaced after about {@code ttl}. Members are named {@code member-1},
 * {@code member-2}, ...; {@code member-1} bootstraps the cluster and leads first.
 *
 * <p>Closing the cluster kills every process and deletes its directory, and so does a JVM shutdown hook; the
 * leftovers of a JVM that died without closing it are removed by the next start of any of the kit's clusters.
 * Where the programs are missing, {@link #unavailableReason()} says so: tests skip with that reason.
 */
public final class PatroniCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PatroniCluster.class);
    /** Start-up of etcd, the first member (initdb) and each copy (pg_basebackup) on a loaded 2-core machine. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    /** A switchover, a member leaving the listing. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String DATABASE = "postgres";
    /** The timeline a primary writes on: the first 8 hex digits of its current WAL file's name. */
    private static final String CURRENT_TIMELINE =
            "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int";

    private final Path runDir;
    private final ServerUser user;
    private final PatroniPrograms programs;
    private final PatroniRest rest = new PatroniRest();
    private final List<PatroniNode> nodes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EtcdServer etcd;
    private volatile PatroniConfig.Cluster config;
    private int membersCreated;

    private PatroniCluster(Path runDir, ServerUser user, PatroniPrograms programs) {
        this.runDir = runDir;
        this.user = user;
        this.programs = programs;
    }

    /**
     * Why a cluster cannot start on this machine, or {@code null} when it can: {@code patroni} or {@code etcd} not on
     * the PATH, no PostgreSQL installation with {@code pg_basebackup} and {@code pg_rewind} in
     * {@code /usr/lib/postgresql/<major>/bin}, or a root JVM without {@code setpriv}/{@code runuser}.
     */
    public static String unavailableReason() {
        return PatroniPrograms.unavailableReason();
    }

    /**
     * Starts etcd and {@code members} Patroni members, and waits until {@code member-1} leads and every other member
     * streams from it. On failure nothing is left running.
     *
     * @param members how many members, 1 or more: one leader and {@code members - 1} replicas
     * @throws IllegalStateException when the programs are missing ({@link #unavailableReason()}) or the cluster does
     *     not come up within 120 s, with the end of the failing process's log
     */
    public static PatroniCluster start(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be at least 1 (one leader), but was " + members);
        }
        PatroniPrograms programs = PatroniPrograms.find();
        ServerUser user = ServerUser.detect();
        Path runDir = RunDirectory.create();
        PatroniCluster cluster = new PatroniCluster(runDir, user, programs);
        Cleanup.register(cluster);
        try {
            cluster.bootstrap(members);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void bootstrap(int members) {
        long started = System.nanoTime();
        String scope = "pgrouter-" + runDir.getFileName().toString().replace("run-", "");
        etcd = EtcdServer.start(programs, runDir, user, scope, rest, STARTUP_TIMEOUT);
        config = new PatroniConfig.Cluster(
                scope,
                etcd.clientHostPort(),
                programs.pgBin(),
                USER,
                PASSWORD,
                UUID.randomUUID().toString());
        // The first member alone, so that it is the one that bootstraps (runs initdb) and leads.
        newNode().start();
        awaitLeader(STARTUP_TIMEOUT);
        for (int i = 1; i < members; i++) {
            newNode().start();
        }
        awaitStreaming(STARTUP_TIMEOUT);
        log.info(
                "Patroni cluster {}: {} member(s) ready after {} ms (Patroni {}, PostgreSQL {}, processes run as {}, in {})",
                scope,
                members,
                (System.nanoTime() - started) / 1_000_000,
                programs.patroni(),
                programs.pgBin(),
                user,
                runDir);
    }

    private synchronized PatroniNode newNode() {
        PatroniNode node = PatroniNode.create("member-" + (++membersCreated), runDir, user, programs, config);
        nodes.add(node);
        return node;
    }

    /** The cluster's name in etcd (Patroni's {@code scope}). */
    public String scope() {
        return config.scope();
    }

    /** The superuser every JDBC URL is for. */
    public String user() {
        return USER;
    }

    /** That user's password. */
    public String password() {
        return PASSWORD;
    }

    /** The database every JDBC URL points at. */
    public String database() {
        return DATABASE;
    }

    /**
     * The members as Patroni lists them now ({@code GET /cluster} on the first member that answers), in name order.
     * A killed member stays listed until its key in etcd expires (about {@code ttl}).
     *
     * @throws IllegalStateException when no member's REST API answers
     */
    public List<PatroniMember> members() {
        return listing()
                .orElseThrow(() -> new IllegalStateException(
                        "No Patroni REST API answers " + restUrls() + ". " + describeNodes()));
    }

    private Optional<List<PatroniMember>> listing() {
        for (PatroniNode node : nodes) {
            if (node.isRunning()) {
                Optional<JsonNode> cluster = rest.cluster(node.restUrl());
                if (cluster.isPresent()) {
                    List<PatroniMember> members = new ArrayList<>();
                    cluster.get().path("members").forEach(m -> members.add(PatroniMember.fromJson(m)));
                    return Optional.of(List.copyOf(members));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The member Patroni lists as leader now.
     *
     * @throws IllegalStateException when there is none (during a failover), listing the members
     */
    public PatroniMember leader() {
        List<PatroniMember> members = members();
        return members.stream()
                .filter(PatroniMember::isLeader)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Patroni lists no leader now; members: " + members));
    }

    /**
     * The member of this name as Patroni lists it now.
     *
     * @throws IllegalArgumentException when Patroni does not list it, naming those it lists
     */
    public PatroniMember member(String name) {
        List<PatroniMember> members = members();
        return members.stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Patroni lists no member '" + name + "'; it lists "
                        + members.stream().map(PatroniMember::name).toList()));
    }

    /** The JDBC URL of a member's PostgreSQL, such as {@code jdbc:postgresql://127.0.0.1:5432/postgres}. */
    public String jdbcUrl(PatroniMember member) {
        return jdbcUrl(member.name());
    }

    /**
     * The JDBC URL of the PostgreSQL of the member of this name, also while it is down.
     *
     * @throws IllegalArgumentException naming the members when there is none of that name
     */
    public String jdbcUrl(String memberName) {
        return "jdbc:postgresql://" + FreePorts.HOST + ":" + node(memberName).pgPort() + "/" + DATABASE;
    }

    /** The base URLs of the REST APIs of the members whose Patroni runs, such as {@code http://127.0.0.1:8008/}. */
    public List<URI> restUrls() {
        return nodes.stream()
                .filter(PatroniNode::isRunning)
                .map(PatroniNode::restUrl)
                .toList();
    }

    /**
     * Waits until Patroni lists a leader that accepts writes, and returns it: its PostgreSQL runs, its {@code GET
     * /primary} answers 200 (the check HAProxy makes), and it is out of recovery ({@code pg_is_in_recovery()} is false;
     * Patroni answers 200 as soon as it asked PostgreSQL to promote).
     *
     * @throws IllegalStateException after {@code timeout}, or at once when a Patroni that was not killed exits
     */
    public PatroniMember awaitLeader(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return awaitLeader(timeout, "a Patroni leader that accepts writes", m -> true);
    }

    private PatroniMember awaitLeader(Duration timeout, String what, Predicate<PatroniMember> wanted) {
        return Await.value(
                timeout,
                what,
                () -> {
                    failOnUnexpectedExit();
                    return listing()
                            .flatMap(members -> members.stream()
                                    .filter(m -> m.isLeader() && m.isRunning())
                                    .findFirst())
                            .filter(wanted)
                            .filter(leader -> rest.healthy(leader.restUrl(), "/primary") && outOfRecovery(leader));
                },
                this::describeNodes);
    }

    private boolean outOfRecovery(PatroniMember leader) {
        try {
            return "f".equals(Sql.queryString(dataSource(node(leader.name())), "SELECT pg_is_in_recovery()"));
        } catch (IllegalStateException e) {
            // Not accepting connections (yet).
            return false;
        }
    }

    /**
     * Waits until there is a leader (as {@link #awaitLeader}) and the PostgreSQL of every other member whose Patroni
     * runs streams from it ({@code pg_stat_wal_receiver} says {@code streaming} from the leader's port, on the
     * leader's timeline).
     *
     * @throws IllegalStateException after {@code timeout}, describing each member, or at once when a Patroni that was
     *     not killed exits
     */
    public void awaitStreaming(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        PatroniMember leader = awaitLeader(timeout);
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        Await.until(
                left,
                "every member to stream from leader " + leader.name() + " on its timeline",
                () -> {
                    failOnUnexpectedExit();
                    String timeline = Sql.queryString(dataSource(node(leader.name())), CURRENT_TIMELINE);
                    return nodes.stream()
                            .filter(n -> n.isRunning() && !n.name().equals(leader.name()))
                            .allMatch(n -> streamsFrom(n, leader, timeline));
                },
                this::describeNodes);
    }

    private boolean streamsFrom(PatroniNode replica, PatroniMember leader, String timeline) {
        try {
            // The timeline matters: a demoted leader streams the end of the old timeline for a moment, then its WAL
            // receiver stops and starts again on the new one.
            return "streaming"
                    .equals(Sql.queryString(
                            dataSource(replica),
                            "SELECT status FROM pg_stat_wal_receiver WHERE sender_port = ? AND received_tli = ?::int",
                            leader.pgPort(),
                            timeline));
        } catch (IllegalStateException e) {
            // Not accepting connections yet: still being copied or starting.
            return false;
        }
    }

    private DataSource dataSource(PatroniNode node) {
        return Sql.dataSource(FreePorts.HOST, node.pgPort(), DATABASE, USER, PASSWORD);
    }

    /**
     * A switchover through Patroni ({@code POST /switchover} to the leader's REST API): the leader stops, {@code
     * candidate} is promoted, the old leader follows it. Returns once {@code candidate} leads and accepts writes (as
     * {@link #awaitLeader}). Patroni refuses a candidate that is not a healthy streaming replica: after a start or a
     * membership change, call {@link #awaitStreaming} first.
     *
     * @throws IllegalArgumentException when {@code candidate} already leads or is no member
     * @throws IllegalStateException with Patroni's answer when it refuses or fails
     */
    public synchronized PatroniMember switchover(String candidate) {
        node(candidate);
        PatroniMember leader = leader();
        if (leader.name().equals(candidate)) {
            throw new IllegalArgumentException("Cannot switch over to " + candidate + ": it already leads");
        }
        rest.switchover(leader.restUrl(), leader.name(), candidate);
        return awaitLeader(
                CHANGE_TIMEOUT,
                candidate + " to lead and accept writes after the switchover",
                m -> m.name().equals(candidate));
    }

    /**
     * SIGKILLs a member's Patroni and then its PostgreSQL, like a crash of its machine. When it led, Patroni promotes
     * another member once the leader key expires (about {@code ttl}); wait with {@link #awaitLeader}.
     *
     * @throws IllegalArgumentException naming the members when there is none of that name
     */
    public synchronized void kill(String memberName) {
        node(memberName).kill();
        log.info("Killed Patroni member {} and its PostgreSQL", memberName);
    }

    /**
     * Starts a killed member's Patroni again; it starts its PostgreSQL and rejoins as a replica (rewinding it with
     * {@code pg_rewind} when it led). Does not wait: use {@link #awaitStreaming}.
     *
     * @throws IllegalArgumentException naming the members when there is none of that name
     */
    public synchronized void start(String memberName) {
        node(memberName).start();
    }

    /**
     * Adds a member at run time: a new Patroni copies the leader ({@code pg_basebackup}) and joins as a replica.
     * Returns once Patroni lists it as running; use {@link #awaitStreaming} to wait until it streams.
     *
     * @throws IllegalStateException when it is not listed as running within 120 s, with the end of its log
     */
    public synchronized PatroniMember addMember() {
        requireOpen();
        PatroniNode node = newNode();
        node.start();
        PatroniMember member = Await.value(
                STARTUP_TIMEOUT,
                node.name() + " to join and run",
                () -> {
                    failOnUnexpectedExit();
                    return listing()
                            .flatMap(ms -> ms.stream()
                                    .filter(m -> m.name().equals(node.name()) && m.isRunning())
                                    .findFirst());
                },
                this::describeNodes);
        log.info("Patroni member {} joined", member.name());
        return member;
    }

    /**
     * Removes a member at run time: its Patroni is stopped (SIGTERM; it stops PostgreSQL and hands the leader key back
     * when it leads), its directory deleted, and this method waits until Patroni no longer lists it.
     *
     * @throws IllegalArgumentException naming the members when there is none of that name
     */
    public synchronized void removeMember(String memberName) {
        PatroniNode node = node(memberName);
        node.stop();
        nodes.remove(node);
        node.delete();
        if (nodes.stream().anyMatch(PatroniNode::isRunning)) {
            Await.until(
                    CHANGE_TIMEOUT,
                    "Patroni to stop listing " + memberName,
                    () -> listing()
                            .map(ms -> ms.stream().noneMatch(m -> m.name().equals(memberName)))
                            .orElse(false),
                    this::describeNodes);
        }
        log.info("Patroni member {} removed", memberName);
    }

    private PatroniNode node(String name) {
        Objects.requireNonNull(name, "member name");
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No Patroni member named '" + name + "'; members are "
                        + nodes.stream().map(PatroniNode::name).toList()));
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The Patroni cluster " + scope() + " is closed");
        }
    }

    private void failOnUnexpectedExit() {
        for (PatroniNode node : nodes) {
            String exit = node.unexpectedExit();
            if (exit != null) {
                throw new IllegalStateException("Patroni member " + exit);
            }
        }
    }

    /** Patroni's listing (when a member answers) and each member's process, for messages. */
    private String describeNodes() {
        String listing = listing()
                .map(ms -> ms.stream()
                        .map(m -> m.name() + " " + m.role() + " " + m.state() + " timeline " + m.timeline())
                        .collect(Collectors.joining(", ")))
                .orElse("no REST API answers");
        String processes = nodes.stream()
                .map(n -> n.name() + (n.isRunning() ? " runs" : " is down"))
                .collect(Collectors.joining(", "));
        String logs = nodes.stream()
                .filter(PatroniNode::isRunning)
                .map(PatroniNode::logTail)
                .collect(Collectors.joining("\n"));
        return "Patroni lists: " + listing + ". Processes: " + processes + ".\n" + logs;
    }

    /** Kills every member, then etcd, and deletes the cluster's directory; repeated calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // Kill, not stop: nothing is to be handed over, and a leader stopping would make the others race for it.
            for (PatroniNode node : nodes) {
                try {
                    node.kill();
                } catch (RuntimeException e) {
                    log.warn("Killing Patroni member {} failed: {}", node.name(), e.getMessage());
                }
            }
            EtcdServer e = etcd;
            if (e != null) {
                e.close();
            }
            RunDirectory.delete(runDir);
        } finally {
            Cleanup.unregister(this);
        }
    }

    @Override
    public String toString() {
        PatroniConfig.Cluster c = config;
        return "PatroniCluster[" + (c == null ? runDir.getFileName() : c.scope()) + ", " + nodes + "]";
    }
}
