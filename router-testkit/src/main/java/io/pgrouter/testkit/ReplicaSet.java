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
     * Waits until every running replica has replayed the primary's current WAL position, as it is when this
     * method is called.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException after {@code timeout}, naming each replica behind and where it is
     */
    void awaitReplicated(Duration timeout);

    /**
     * Promotes a replica to primary and waits until it accepts writes. The other running replicas are pointed
     * at it (they follow it when their history allows). The old primary keeps running as a primary until it is
     * stopped or {@linkplain #rejoinAsStandby rejoined}: that split is what a test of failover wants to see.
     *
     * @param replica one of {@link #replicas()}
     */
    void promote(PostgresNode replica);

    /**
     * Makes a node a streaming replica of the current primary again: it is stopped, its data directory is
     * replaced by an online copy of the primary, and it starts as a hot standby. Used to bring an old primary
     * back after a promotion.
     *
     * @param node a node of this replica set
     */
    void rejoinAsStandby(PostgresNode node);

    /** Stops every server and removes every directory; never throws. */
    @Override
    void close();
}
