package io.pgrouter.internal.discovery;

import io.pgrouter.internal.Node;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.config.JdbcUrls;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.topology.TopologyMember;
import io.pgrouter.topology.TopologySource;
import io.pgrouter.topology.TopologySourceStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a {@link TopologySource} for the members every refresh interval, on a thread of its own
 * ({@code pgrouter-topology}), and makes the router's nodes follow: a member it lacks joins as a replica, a node no
 * longer listed leaves (never the primary of the moment: the probes decide that, and it leaves once another node
 * leads). Members and nodes are matched by address ({@code host:port}), so that configured nodes are recognized
 * whatever their names. When the source's leader moves, the health monitor probes at once. A source that cannot be
 * reached changes nothing: the last topology stays, the failure is logged once (and again when it recovers) and shown
 * in {@link #status()}.
 */
public final class TopologyFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.topology");
    /** Patroni's states of a PostgreSQL that runs ({@code streaming} from Patroni 3.1 on, {@code running} before). */
    private static final java.util.Set<String> SERVING_STATES =
            java.util.Set.of("running", "streaming", "in archive recovery");

    private final TopologySource source;
    private final RouterRuntime runtime;
    private final Duration refreshInterval;
    private final String database;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgrouter-topology");
        t.setDaemon(true);
        return t;
    });
    private volatile TopologySourceStatus status;
    // Topology thread only.
    private String lastLeader;

    /**
     * @param database the database discovered nodes are connected to: the primary's
     */
    public TopologyFollower(TopologySource source, RouterRuntime runtime, Duration refreshInterval, String database) {
        this.source = Objects.requireNonNull(source, "source");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.database = database == null ? "" : database;
        this.status = new TopologySourceStatus(source.describe(), false, null, "not asked yet", List.of());
    }

    /**
     * Follows the source from now on: a first refresh now (so that a router starts with the members the source knows),
     * bounded by the source's own timeout, then one every refresh interval.
     */
    public void start() {
        try {
            thread.submit(this::refresh).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("First topology refresh from {} failed", source.describe(), e.getCause());
        }
        long every = refreshInterval.toNanos();
        thread.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.NANOSECONDS);
        LOG.info("Following the topology of {} every {} ms", source.describe(), refreshInterval.toMillis());
    }

    /** What the source last said. */
    public TopologySourceStatus status() {
        return status;
    }

    /** Asks the source once and applies its answer; never throws (a scheduled task that throws never runs again). */
    void refresh() {
        List<TopologyMember> members;
        try {
            members = source.members();
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            TopologySourceStatus was = status;
            if (was.reachable() || was.lastAnswer() == null && !why.equals(was.lastError())) {
                LOG.warn(
                        "Topology source {} cannot be reached; keeping the last topology ({} members): {}",
                        source.describe(),
                        was.members().size(),
                        why);
            }
            status = new TopologySourceStatus(source.describe(), false, was.lastAnswer(), why, was.members());
            return;
        }
        if (!status.reachable() && status.lastAnswer() != null) {
            LOG.info("Topology source {} answers again", source.describe());
        }
        status = new TopologySourceStatus(source.describe(), true, Instant.now(), null, members);
        try {
            follow(members);
        } catch (RuntimeException e) {
            // A membership change refused (a closed router, say): the next refresh tries again.
            LOG.warn("Following the topology of {} failed; trying again at the next refresh", source.describe(), e);
        }
    }

    private void follow(List<TopologyMember> members) {
        Map<String, TopologyMember> wanted = new LinkedHashMap<>();
        String leader = null;
        for (TopologyMember m : members) {
            if (m.leader()) {
                leader = m.address();
            }
            if (!m.noLoadBalance() || m.leader()) {
                wanted.put(m.address(), m);
            }
        }
        Map<String, Node> have = new HashMap<>();
        for (Node node : runtime.nodes()) {
            have.put(address(node.config()), node);
        }
        String primary = runtime.router().topology().current().primary().name();
        if (leader != null && !leader.equals(lastLeader)) {
            Node leading = have.get(leader);
            if (lastLeader != null || leading == null || !leading.name().equals(primary)) {
                // The probes decide where writes go: have them look now rather than at the next interval.
                LOG.info("Topology source {} lists {} as leader; probing now", source.describe(), leader);
                runtime.probeNow();
            }
            lastLeader = leader;
        }
        for (Map.Entry<String, TopologyMember> e : wanted.entrySet()) {
            if (!have.containsKey(e.getKey()) && serving(e.getValue())) {
                join(e.getValue());
            }
        }
        for (Map.Entry<String, Node> e : have.entrySet()) {
            Node node = e.getValue();
            if (!wanted.containsKey(e.getKey()) && !node.name().equals(primary)) {
                TopologyMember listed = members.stream()
                        .filter(m -> m.address().equals(e.getKey()))
                        .findFirst()
                        .orElse(null);
                runtime.removeReplica(
                        node.name(),
                        listed == null
                                ? "no longer listed by " + source.describe()
                                : "tagged noloadbalance in " + source.describe());
            }
        }
    }

    /**
     * Whether a member may join now: the source says nothing of its state, or says its PostgreSQL runs. A member still
     * being created or starting would only fail its probes (and open its circuit breaker for seconds); it joins at the
     * first refresh that lists it as running. A node that is in already stays whatever its state: the probes judge it.
     */
    private static boolean serving(TopologyMember member) {
        String state = member.state();
        return state == null || member.leader() || SERVING_STATES.contains(state.toLowerCase(java.util.Locale.ROOT));
    }

    private void join(TopologyMember member) {
        String name = member.name();
        if (runtime.nodes().stream().anyMatch(n -> n.name().equals(name))) {
            LOG.warn(
                    "Topology source {} lists '{}' at {}, but the router has a node of that name at another address;"
                            + " not added",
                    source.describe(),
                    name,
                    member.address());
            return;
        }
        NodeConfig config =
                runtime.config().joiningReplica(name, JdbcUrls.of(unbracketed(member.host()), member.port(), database));
        runtime.addReplica(config, "listed by " + source.describe());
    }

    /** {@code host:port} of a node's URL, as {@link TopologyMember#address()} writes it. */
    static String address(NodeConfig node) {
        Properties parsed = org.postgresql.Driver.parseURL(node.jdbcUrl(), null);
        if (parsed == null) {
            return node.jdbcUrl();
        }
        String host = unbracketed(parsed.getProperty("PGHOST", "localhost"));
        String port = parsed.getProperty("PGPORT", "5432");
        return TopologyMember.replica("x", host, Integer.parseInt(port.split(",")[0]))
                .address();
    }

    /** The database of a node's URL ({@code ""} when it names none). */
    public static String database(NodeConfig node) {
        Properties parsed = org.postgresql.Driver.parseURL(node.jdbcUrl(), null);
        return parsed == null ? "" : parsed.getProperty("PGDBNAME", "");
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
