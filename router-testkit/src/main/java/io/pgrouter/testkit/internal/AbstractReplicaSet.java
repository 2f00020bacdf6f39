package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresNode.Role;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every provider's replica set shares: the nodes and their roles, waiting for replication, closing once. */
public abstract class AbstractReplicaSet implements ReplicaSet {

    private static final Logger log = LoggerFactory.getLogger(AbstractReplicaSet.class);
    /** How long a promoted replica may take to receive what the other replicas already have. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    protected final ReplicaSetSpec spec;
    private final List<? extends PostgresNode> nodes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile PostgresNode primary;

    protected AbstractReplicaSet(ReplicaSetSpec spec, List<? extends PostgresNode> nodes) {
        this.spec = spec;
        this.nodes = List.copyOf(nodes);
        this.primary = nodes.get(0);
    }

    @Override
    public PostgresNode primary() {
        return primary;
    }

    @Override
    public List<PostgresNode> replicas() {
        return nodes.stream()
                .filter(n -> n.role() == Role.REPLICA)
                .sorted(Comparator.comparing(PostgresNode::name))
                .map(PostgresNode.class::cast)
                .toList();
    }

    @Override
    public List<PostgresNode> nodes() {
        List<PostgresNode> all = new ArrayList<>();
        all.add(primary);
        nodes.stream().filter(n -> n != primary).forEach(all::add);
        return List.copyOf(all);
    }

    protected List<? extends PostgresNode> allNodes() {
        return nodes;
    }

    @Override
    public PostgresNode node(String name) {
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named '" + name + "'; nodes are "
                        + nodes.stream().map(PostgresNode::name).toList()));
    }

    @Override
    public int majorVersion() {
        return spec.version().major();
    }

    @Override
    public String database() {
        return spec.database();
    }

    @Override
    public String user() {
        return spec.user();
    }

    @Override
    public String password() {
        return spec.password();
    }

    @Override
    public void awaitReplicated(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        String target = Sql.queryString(primary.dataSource(), "SELECT pg_current_wal_lsn()");
        List<PostgresNode> waiting = new ArrayList<>(
                replicas().stream().filter(PostgresNode::isRunning).toList());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            waiting.removeIf(r -> "t"
                    .equals(Sql.queryString(r.dataSource(), "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", target)));
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder msg = new StringBuilder("Replicas did not replay the primary's position " + target
                        + " within " + timeout.toMillis() + " ms:");
                for (PostgresNode r : waiting) {
                    msg.append("\n  ")
                            .append(r.name())
                            .append(": ")
                            .append(
                                    Sql.queryString(
                                            r.dataSource(),
                                            "SELECT 'replayed ' || coalesce(pg_last_wal_replay_lsn()::text, 'nothing') || ', received '"
                                                    + " || coalesce(pg_last_wal_receive_lsn()::text, 'nothing') || ', replay '"
                                                    + " || pg_get_wal_replay_pause_state() || ', receiver '"
                                                    + " || coalesce((SELECT status FROM pg_stat_wal_receiver), 'not running')"
                                                    + " || ', recovery_min_apply_delay ' || current_setting('recovery_min_apply_delay')"));
                }
                throw new IllegalStateException(msg.toString());
            }
            Sleeper.pause(10);
        }
    }

    /** Waits until each replica's WAL receiver streams. */
    protected void awaitStreaming(List<? extends PostgresNode> replicas, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PostgresNode r : replicas) {
            String status = null;
            while (!"streaming".equals(status)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(r.name() + " did not start streaming from " + primary.name()
                            + " within " + timeout.toSeconds() + " s (WAL receiver: "
                            + (status == null ? "not running" : status) + ")" + logHint(r));
                }
                status = Sql.queryString(r.dataSource(), "SELECT status FROM pg_stat_wal_receiver");
                if (!"streaming".equals(status)) {
                    Sleeper.pause(20);
                }
            }
        }
    }

    private static String logHint(PostgresNode node) {
        return node instanceof AbstractNode n ? n.diagnostics() : "";
    }

    @Override
    public final synchronized void promote(PostgresNode replica, OldPrimary oldPrimary) {
        Objects.requireNonNull(oldPrimary, "oldPrimary");
        PostgresNode target = node(replica.name());
        if (target.role() != Role.REPLICA) {
            throw new IllegalArgumentException(
                    "Cannot promote " + target.name() + ": it is not a replica but " + target.role());
        }
        PostgresNode old = primary;
        List<PostgresNode> others =
                replicas().stream().filter(r -> r != target && r.isRunning()).toList();
        if (oldPrimary == OldPrimary.STOP) {
            old.stop();
        } else if (old.isRunning()) {
            for (PostgresNode other : others) {
                if (Wal.replayPaused(other)) {
                    throw new IllegalStateException(
                            "Cannot promote " + target.name() + " while " + old.name() + " keeps running: "
                                    + other.name()
                                    + " has its replay paused, and PostgreSQL re-points a standby's WAL receiver only"
                                    + " while it replays. Resume its replay first, or promote with OldPrimary.STOP");
                }
            }
        }
        // The others stop receiving first; the target, still streaming if the old primary runs, then gets at least
        // as far as the furthest of them. Its timeline forks at its end of WAL, which every other one can follow.
        for (PostgresNode other : others) {
            detachNode(other);
            Wal.awaitReceiverStopped(other, spec.startupTimeout());
        }
        String othersEnd = others.stream().map(Wal::end).reduce(Wal::later).orElse(null);
        if (othersEnd != null && old.isRunning()) {
            // Not reaching it is no error: whoever is further ahead is made again below.
            Wal.awaitEnd(target, othersEnd, CATCH_UP);
        }
        detachNode(target);
        Wal.awaitReceiverStopped(target, spec.startupTimeout());
        String targetEnd = Wal.end(target);
        promoteNode(target);
        primary = target;
        int timeline = Wal.timeline(target);
        followNewPrimary(target, others, targetEnd, timeline);
    }

    /**
     * Points the detached replicas {@code others} at the new primary {@code target}, whose {@code timeline} starts at
     * {@code forkPoint}: one that received WAL past it is made again from a copy; waits until the others stream.
     */
    private void followNewPrimary(PostgresNode target, List<PostgresNode> others, String forkPoint, int timeline) {
        List<PostgresNode> following = new ArrayList<>();
        for (PostgresNode other : allNodes()) {
            if (other != target) {
                ensureSlot(target, other);
            }
        }
        for (PostgresNode other : others) {
            String end = Wal.end(other);
            if (Wal.isBefore(forkPoint, end)) {
                log.info(
                        "{} received WAL up to {}, past the start of {}'s timeline {} at {}: making it again from a copy",
                        other.name(),
                        end,
                        target.name(),
                        timeline,
                        forkPoint);
                rejoinNode(other);
            } else {
                followNode(other, target);
                following.add(other);
            }
        }
        for (PostgresNode other : following) {
            // A paused standby starts its WAL receiver only when its replay resumes.
            if (!Wal.replayPaused(other)) {
                Wal.awaitStreamingOnTimeline(other, timeline, spec.startupTimeout());
            }
        }
    }

    @Override
    public final synchronized void adoptPromotion(PostgresNode node) {
        PostgresNode target = node(node.name());
        if (target == primary) {
            return;
        }
        if (!"false".equals(Sql.queryString(target.dataSource(), "SELECT pg_is_in_recovery()::text"))) {
            throw new IllegalStateException(
                    "Cannot adopt " + target.name() + " as the primary: it is still in recovery");
        }
        List<PostgresNode> others =
                replicas().stream().filter(r -> r != target && r.isRunning()).toList();
        ((AbstractNode) target).role(Role.PRIMARY);
        primary = target;
        int timeline = Wal.timeline(target);
        String forkPoint = Wal.timelineStart(target, timeline);
        for (PostgresNode other : others) {
            detachNode(other);
            Wal.awaitReceiverStopped(other, spec.startupTimeout());
        }
        followNewPrimary(target, others, forkPoint, timeline);
    }

    @Override
    public final synchronized void rejoinAsStandby(PostgresNode node) {
        PostgresNode target = node(node.name());
        if (target == primary) {
            throw new IllegalArgumentException(
                    "Cannot rejoin " + target.name() + " as a standby: it is the current primary");
        }
        rejoinNode(target);
    }

    /** Promotes a detached replica and waits until it accepts writes; the base class then makes it {@link #primary()}. */
    protected abstract void promoteNode(PostgresNode replica);

    /** Stops a running replica's WAL receiver for good: it stays a hot standby with no upstream. */
    protected abstract void detachNode(PostgresNode replica);

    /** Points a running, detached replica at {@code upstream}. */
    protected abstract void followNode(PostgresNode replica, PostgresNode upstream);

    /** Creates, on {@code upstream}, the replication slot that {@code node} streams through. */
    protected abstract void ensureSlot(PostgresNode upstream, PostgresNode node);

    /** Turns a node into a streaming standby of {@link #primary()}. */
    protected abstract void rejoinNode(PostgresNode node);

    /** Stops every server and frees every resource; called once. */
    protected abstract void shutdown();

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                shutdown();
            } finally {
                Cleanup.unregister(this);
            }
        }
    }
}
