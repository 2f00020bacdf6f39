package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults;
import io.pgrouter.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** The controls every provider's node does the same way: over SQL, as a superuser. */
abstract class AbstractNode implements PostgresNode {

    private final String name;
    private volatile Role role;

    AbstractNode(String name, Role role) {
        this.name = name;
        this.role = role;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Role role() {
        return role;
    }

    final void role(Role role) {
        this.role = role;
    }

    @Override
    public final String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database();
    }

    /** The node's network faults, or {@code null} when its replica set has none. */
    abstract NetworkFaults networkFaults();

    @Override
    public final NetworkFaults network() {
        NetworkFaults faults = networkFaults();
        if (faults == null) {
            throw new IllegalStateException(
                    "Network faults are off for the replica set of " + name + ": enable them with"
                            + " PostgresReplicaSet.builder().networkFaults(true) or @PostgresReplicaSet(networkFaults = true)");
        }
        return faults;
    }

    /** The database of the replica set. */
    abstract String database();

    /** A data source on the {@code postgres} database, which exists from the start. */
    abstract DataSource adminDataSource();

    /** Extra context for an error about this node, such as the last lines of its log. */
    String diagnostics() {
        return "";
    }

    /** Why the server cannot come up any more (its process exited), or {@code null} while it still may. */
    String deathWhileStarting() {
        return null;
    }

    /**
     * Waits until the server accepts connections on the {@code postgres} database (a standby only once it is
     * consistent), failing at once when {@link #deathWhileStarting()} says it died.
     */
    final void awaitAcceptingConnections(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            String death = deathWhileStarting();
            if (death != null) {
                throw new IllegalStateException("PostgreSQL node " + name() + " " + death + diagnostics());
            }
            try (Connection ignored = adminDataSource().getConnection()) {
                return;
            } catch (SQLException e) {
                last = e;
                Sleeper.pause(25);
            }
        }
        kill();
        throw new IllegalStateException("PostgreSQL node " + name() + " did not accept connections on port " + port()
                + " within " + timeout.toSeconds() + " s (last error: " + (last == null ? "none" : last.getMessage())
                + ")" + diagnostics());
    }

    @Override
    public void pauseReplay() {
        requireReplica("pauseReplay");
        Sql.execute(adminDataSource(), "SELECT pg_wal_replay_pause()");
        awaitValue("SELECT pg_get_wal_replay_pause_state()", "paused", "replay to pause");
    }

    @Override
    public void resumeReplay() {
        requireReplica("resumeReplay");
        Sql.execute(adminDataSource(), "SELECT pg_wal_replay_resume()");
        awaitValue("SELECT pg_get_wal_replay_pause_state()", "not paused", "replay to resume");
    }

    @Override
    public void setReplayDelay(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("replay delay of " + name + " must be zero or positive, was " + delay);
        }
        requireReplica("setReplayDelay");
        String sql = delay.isZero()
                ? "ALTER SYSTEM RESET recovery_min_apply_delay"
                : "ALTER SYSTEM SET recovery_min_apply_delay = '" + ServerConfig.delayValue(delay) + "'";
        Sql.execute(adminDataSource(), sql);
        Sql.execute(adminDataSource(), "SELECT pg_reload_conf()");
        awaitValue(
                "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'",
                Long.toString(delay.toMillis()),
                "the replay delay to apply");
    }

    /** Promotes this replica and waits until it accepts writes. */
    void promoteNow() {
        String promoted = Sql.queryString(adminDataSource(), "SELECT pg_promote(true, 60)");
        if (!"t".equals(promoted)) {
            throw new IllegalStateException("pg_promote on " + name + " did not finish within 60 s" + diagnostics());
        }
        role(Role.PRIMARY);
    }

    /** Creates the physical replication slot {@code node} streams through on this node, if it is missing. */
    void ensureSlotFor(PostgresNode node) {
        String slot = ServerConfig.slotName(node.name());
        Sql.execute(
                adminDataSource(),
                "SELECT pg_create_physical_replication_slot('" + slot + "', true) "
                        + "WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "')");
    }

    private void awaitValue(String sql, String expected, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String value = null;
        while (System.nanoTime() < deadline) {
            value = Sql.queryString(adminDataSource(), sql);
            if (expected.equals(value)) {
                return;
            }
            Sleeper.pause(20);
        }
        throw new IllegalStateException(
                "Waited 10 s for " + what + " on " + name + ": '" + sql + "' still answers '" + value + "'");
    }

    private void requireReplica(String control) {
        if (role != Role.REPLICA) {
            throw new IllegalStateException(control + " needs a replica, but " + name + " is " + role);
        }
        if (!isRunning()) {
            throw new IllegalStateException("Cannot " + control + " on " + name + ": it is not running");
        }
    }

    @Override
    public String toString() {
        return name + "[" + role + " " + host() + ":" + port() + "]";
    }
}
