package io.pgrouter.internal;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.PgjdbcProperties;
import io.pgrouter.internal.health.SwitchoverSignal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hears a switchover's notices on the primary at once, instead of at this router's next probe round: one connection
 * per router to the current primary, {@code LISTEN} on {@value SwitchoverSignal#CHANNEL}, on a thread of its own
 * ({@code pgrouter-switchover-notices}).
 *
 * <ul>
 *   <li>{@code hold}: closes this router's write gate from the notice's signal, asks for a probe round, and once a
 *       probe read the announcement answers on {@value SwitchoverSignal#ACK_CHANNEL} with the switchover's id, so
 *       that the router running it can fence as soon as every router holds its writes rather than after a fixed
 *       signal wait;
 *   <li>{@code over}: asks the health monitor for a probe round now, which finds the new primary (or the lifted
 *       announcement) and releases the writes, instead of at the next interval.
 * </ul>
 *
 * <p>The probe of the primary stays the authority: it reads the announcement each round whether or not a notice came,
 * so a router whose connection here broke follows as it did without notices. This connection goes straight to the
 * node (its probe URL where it has one): LISTEN does not pass through a pooler in transaction mode.
 */
final class SwitchoverNotices implements AutoCloseable {

    private final Supplier<NodeConfig> primary;
    private final Consumer<SwitchoverSignal> hold;
    private final Consumer<String> over;
    private final java.util.function.Predicate<String> holdConfirmed;
    private final Runnable probeNow;
    private final Duration interval;
    private final Duration timeout;
    private final Thread thread;
    private volatile boolean closed;
    /** The connection listening now, for {@link #close()} to cut a wait on it short. */
    private volatile Connection listening;

    /**
     * @param primary the current primary as the probes reach it
     * @param hold closes the gate for a signal whose remaining time counts from now
     * @param over told the id of a switchover whose over notice came; asks for a probe round
     * @param holdConfirmed whether the writes are held for a switchover, a probe read its announcement, and no
     *     connection of this router is in use on the primary any more
     * @param probeNow asks for a probe round
     */
    SwitchoverNotices(
            Supplier<NodeConfig> primary,
            Consumer<SwitchoverSignal> hold,
            Consumer<String> over,
            java.util.function.Predicate<String> holdConfirmed,
            Runnable probeNow,
            Duration interval,
            Duration timeout) {
        this.primary = primary;
        this.hold = hold;
        this.over = over;
        this.holdConfirmed = holdConfirmed;
        this.probeNow = probeNow;
        this.interval = interval;
        this.timeout = timeout;
        this.thread = new Thread(this::listen, "pgrouter-switchover-notices");
        thread.setDaemon(true);
    }

    SwitchoverNotices start() {
        thread.start();
        return this;
    }

    private void listen() {
        Connection connection = null;
        String listeningOn = null;
        while (!closed) {
            NodeConfig node = primary.get();
            try {
                if (connection == null || !node.name().equals(listeningOn)) {
                    closeQuietly(connection);
                    connection = null;
                    connection = connect(node);
                    listening = connection;
                    listeningOn = node.name();
                }
                // Bounded, so that a move of the primary or close() is noticed within an interval.
                PGNotification[] notices =
                        connection.unwrap(PGConnection.class).getNotifications((int) interval.toMillis());
                if (notices != null) {
                    for (PGNotification notice : notices) {
                        handle(connection, notice.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                connection = null;
                RouterLog.LOG.debug("Switchover notices on '{}': {}; connecting again", node.name(), e.getMessage());
                // Not a wait for a condition: the pause before connecting again.
                LockSupport.parkNanos(interval.toNanos());
            }
        }
        closeQuietly(connection);
    }

    private void handle(Connection connection, String payload) throws SQLException {
        SwitchoverSignal signal = SwitchoverSignal.parseHold(payload);
        if (signal != null) {
            hold.accept(signal);
            // The answer means "a probe of mine read the announcement, and I have nothing running on the primary":
            // only then may the drain end early (it sees transactions, not connections borrowed just before the
            // gate closed whose transaction has not begun), since
            // until then the next probe round's "no announcement" could not be told from the switchover's end (under
            // load a round right after the notice read none). Without it, the drain waits the signal wait.
            probeNow.run();
            long until = System.nanoTime() + interval.toNanos() * 2;
            while (!holdConfirmed.test(signal.id())) {
                if (System.nanoTime() - until >= 0 || closed) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a probe round takes milliseconds
            }
            try (PreparedStatement ack = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                ack.setString(1, SwitchoverSignal.ACK_CHANNEL);
                ack.setString(2, signal.id());
                ack.execute();
            }
        } else if (SwitchoverSignal.overId(payload) != null) {
            over.accept(SwitchoverSignal.overId(payload));
        }
    }

    private Connection connect(NodeConfig node) throws SQLException {
        // The socket timeout is above the notice wait; the fence spares the listener by its application name, so
        // that the over notice reaches it.
        Properties p = PgjdbcProperties.ownSession(
                node.connectionProperties(),
                SwitchoverSignal.LISTENER_NAME,
                timeout,
                PgjdbcProperties.seconds(timeout) + TimeUnit.MILLISECONDS.toSeconds(interval.toMillis()) + 1);
        p.setProperty("tcpKeepAlive", "true");
        Connection c = new Driver().connect(node.jdbcUrl(), p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL");
        }
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + SwitchoverSignal.CHANNEL);
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is gone either way
            }
        }
    }

    /** Stops listening: cuts the connection (a wait for notices on it ends at once) and waits for the thread. */
    @Override
    public void close() {
        closed = true;
        Connection c = listening;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // closed already
            }
        }
        thread.interrupt();
        try {
            thread.join(interval.plus(timeout).toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
