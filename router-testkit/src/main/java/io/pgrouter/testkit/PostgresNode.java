package io.pgrouter.testkit;

import java.time.Duration;
import javax.sql.DataSource;

/**
 * One PostgreSQL server of a {@link ReplicaSet}, with the controls a test needs to break it on purpose.
 *
 * <p>Every control waits until its effect is real (a stopped node no longer accepts connections, a started one
 * accepts them, a resumed replica replays again) or fails with an {@link IllegalStateException} that says
 * which node and why.
 */
public interface PostgresNode {

    /** {@return the node's name in its replica set: {@code primary}, {@code replica-1}, {@code replica-2}, ...} */
    String name();

    /** {@return the role the node has now; it changes with {@link ReplicaSet#promote} and {@link ReplicaSet#rejoinAsStandby}} */
    Role role();

    /**
     * {@return the address clients connect to: a loopback address, or with {@link NetworkFaults.Mechanism#NAMESPACE}
     * the address of the node's own network namespace}
     */
    String host();

    /** {@return the TCP port the server listens on; it stays the same across stop and start} */
    int port();

    /** {@return a pgjdbc URL for the replica set's database on this node, without credentials} */
    String jdbcUrl();

    /**
     * {@return a small, unpooled {@link DataSource} for this node with the replica set's credentials and short
     * connect and socket timeouts: for assertions in tests, not for load}
     */
    DataSource dataSource();

    /** {@return whether the server process is running (a frozen server is running)} */
    boolean isRunning();

    /** Stops the server with a fast shutdown: open sessions are ended, nothing is lost. */
    void stop();

    /** Starts a stopped or killed server on the same port and data directory and waits until it accepts connections. */
    void start();

    /** Kills the server and all of its processes with SIGKILL, as a machine crash would. */
    void kill();

    /**
     * Freezes every process of the server with SIGSTOP: its port still accepts TCP connections, but nothing
     * ever answers. Models a hung host or a network black hole.
     */
    void freeze();

    /** Undoes {@link #freeze()}. */
    void thaw();

    /** Pauses WAL replay on this replica: its replay position stops while WAL keeps arriving. */
    void pauseReplay();

    /** Resumes WAL replay paused by {@link #pauseReplay()}. */
    void resumeReplay();

    /**
     * Sets {@code recovery_min_apply_delay} on this replica, so that it applies each commit no sooner than
     * {@code delay} after the primary made it. {@link Duration#ZERO} removes the delay.
     *
     * @param delay the minimum age of a commit before this replica applies it
     */
    void setReplayDelay(Duration delay);

    /**
     * The node's network faults: cut it off, slow it down, reset its connections, while the server keeps running.
     *
     * @throws IllegalStateException when the replica set was started without network faults; enable them with
     *     {@code PostgresReplicaSet.builder().networkFaults(true)} or {@code @PostgresReplicaSet(networkFaults = true)}
     */
    NetworkFaults network();

    /** The role of a node. */
    enum Role {
        /** Accepts writes. */
        PRIMARY,
        /** A hot standby that streams WAL from the primary. */
        REPLICA
    }
}
