package io.pgrouter.testkit;

import java.time.Duration;
import java.util.List;

/**
 * A running PostgreSQL primary with streaming replicas, started by {@link PostgresReplicaSet}.
 *
 * <p>Closing it stops every server and deletes every directory it made. It is also closed by a JVM
 * shutdown hook, and the leftovers of a JVM that died without closing it are removed by the next start.
 */
public interface ReplicaSet extends AutoCloseable {

    /** {@return the node that is primary now} */
    PostgresNode primary();

    /** {@return the nodes that are replicas now, in name order} */
    List<PostgresNode> replicas();

    /**
     * {@return the replica at {@code index} now (0-based), in name order}
     *
     * @param index the position among {@link #replicas()}
     */
    default PostgresNode replica(int index) {
        return replicas().get(index);
    }

    /** {@return all nodes, the primary first} */
    List<PostgresNode> nodes();

    /**
     * {@return the node with this name}
     *
     * @param name a node name such as {@code primary} or {@code replica-1}
     * @throws IllegalArgumentException naming the known nodes when there is none of that name
     */
    PostgresNode node(String name);

    /** {@return the PostgreSQL major version the servers run, such as 18} */
    int majorVersion();

    /** {@return how the servers were provided: {@code embedded}, {@code local} or {@code container}} */
    String provider();

    /** {@return the database the JDBC URLs point at} */
    String database();

    /** {@return the user of the JDBC URLs and data sources (a superuser)} */
    String user();

    /** {@return that user's password} */
    String password();

    /**
     * {@return the certificates of a replica set started with {@link PostgresReplicaSet#tls(boolean)}: the CA to
     * verify the servers with, and a client certificate}
     *
     * @throws IllegalStateException when TLS is off
     */
    default TlsFiles tls() {
        throw new IllegalStateException(
                "TLS is off for this replica set: start it with PostgresReplicaSet.builder().tls(true)"
                        + " or @PostgresReplicaSet(tls = true)");
    }

    /**
     * Waits until every running replica has replayed the primary's current WAL position, as it is when this
     * method is called.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException after {@code timeout}, naming each replica behind and where it is
     */
    void awaitReplicated(Duration timeout);

    /**
     * Promotes a replica to primary while the old primary keeps running on the old timeline: the split a test
     * of failover wants to see. Same as {@code promote(replica, OldPrimary.KEEP_RUNNING)}.
     *
     * @param replica one of {@link #replicas()}
     * @see #promote(PostgresNode, OldPrimary)
     */
    default void promote(PostgresNode replica) {
        promote(replica, OldPrimary.KEEP_RUNNING);
    }

    /**
     * Promotes a replica to primary and returns once it accepts writes and every other running replica streams
     * from it on the new timeline: no replica is left behind on the old one.
     *
     * <p>Before the promotion, the other replicas are detached from the old primary and the new primary is
     * given every byte of WAL that any of them received, so that they can all follow its new timeline. A replica
     * that is nevertheless ahead of the new primary (the old primary died before the new one received what that
     * replica had) is made again from an online copy of the new primary, as {@link #rejoinAsStandby} does.
     *
     * @param replica one of {@link #replicas()}
     * @param oldPrimary what happens to the old primary: it keeps running ({@link OldPrimary#KEEP_RUNNING}), or
     *     it is stopped first so that every replica receives its last byte of WAL ({@link OldPrimary#STOP})
     * @throws IllegalArgumentException when {@code replica} is not a replica of this set
     * @throws IllegalStateException when the old primary keeps running and another replica has its replay paused
     *     (PostgreSQL does not re-point a paused standby; resume it first, or use {@link OldPrimary#STOP}), or
     *     when a step does not finish within the start-up timeout; the message names the node
     */
    void promote(PostgresNode replica, OldPrimary oldPrimary);

    /**
     * Makes a node a streaming replica of the current primary again: it is stopped, its data directory is
     * replaced by an online copy of the primary, and it starts as a hot standby. Used to bring an old primary
     * back after a promotion.
     *
     * @param node a node of this replica set
     */
    void rejoinAsStandby(PostgresNode node);

    /**
     * Takes in a promotion done outside the kit (a router's switchover, an operator's {@code pg_promote}, an external
     * manager): {@code node}, which must answer as a primary by now, becomes {@link #primary()}, and every other
     * running replica streams from it on its new timeline: re-pointed, or made again from an online copy when it
     * received WAL of the old primary past the point where the new timeline starts. The old primary is left as it
     * is (running and fenced, or stopped) and is no replica until it is {@linkplain #rejoinAsStandby rejoined}.
     *
     * @param node the node that was promoted; nothing happens when it already is {@link #primary()}
     * @throws IllegalStateException when {@code node} is still in recovery, naming it
     */
    void adoptPromotion(PostgresNode node);

    /** What {@link #promote(PostgresNode, OldPrimary)} does with the primary it replaces. */
    enum OldPrimary {
        /**
         * The old primary keeps running on the old timeline, as after a network partition: writes acknowledged
         * there after the new primary received its last WAL are not on the new primary. It is no longer
         * {@link #primary()}; stop it or {@linkplain #rejoinAsStandby rejoin} it.
         */
        KEEP_RUNNING,
        /**
         * The old primary is stopped first with a fast shutdown, which hands every connected replica its last
         * byte of WAL: nothing acknowledged is lost and every replica has the same history. It stays stopped
         * until it is {@linkplain #rejoinAsStandby rejoined} (or started, as a second primary).
         */
        STOP
    }

    /** Stops every server and removes every directory; never throws. */
    @Override
    void close();
}
