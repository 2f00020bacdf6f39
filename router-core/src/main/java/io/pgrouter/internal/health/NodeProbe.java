package io.pgrouter.internal.health;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.PgjdbcProperties;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one node over a connection of its own, never one from the application's pools: one query per probe,
 * answered by a primary and a standby alike, readable by a user with only {@code pg_monitor}.
 *
 * <p>pgjdbc's connect and login timeouts are whole seconds, too coarse for sub-second probe intervals, so the
 * caller bounds each probe itself and calls {@link #abort()} on one that overruns; the socket timeout here is a
 * backstop. After a failure the connection is dropped and re-opened at the next probe; while reconnecting keeps
 * failing, attempts back off exponentially from {@value #FIRST_BACKOFF_MS} ms up to {@value #MAX_BACKOFF_MS} ms, so
 * that a node that is down costs neither side a connection attempt every interval.
 */
final class NodeProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.health");

    /**
     * The probe query. {@code CASE} keeps standby-only functions from running on a primary (where they raise
     * "recovery is not in progress") and {@code pg_current_wal_lsn()} from running on a standby. The last two
     * columns but one carry a switchover announced on a primary ({@link SwitchoverSignal}); a missing setting reads
     * NULL. The last is the node's transaction horizon ({@link ProbeResult#xidHorizon()}).
     */
    static final String QUERY = """
            SELECT r.in_recovery,
                   CASE WHEN NOT r.in_recovery THEN pg_current_wal_lsn()::text END,
                   pg_last_wal_receive_lsn()::text,
                   pg_last_wal_replay_lsn()::text,
                   CASE WHEN r.in_recovery THEN pg_get_wal_replay_pause_state() END,
                   w.status,
                   CASE WHEN r.in_recovery THEN w.received_tli
                        ELSE %s END,
                   CASE WHEN r.in_recovery
                        THEN (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint END,
                   CASE WHEN NOT r.in_recovery THEN current_setting('pgrouter.switchover', true) END,
                   (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
                   pg_snapshot_xmax(pg_current_snapshot())::text
              FROM (SELECT pg_is_in_recovery() AS in_recovery) r
              LEFT JOIN pg_stat_wal_receiver w ON true
            """.formatted(SwitchoverSignal.PRIMARY_TIMELINE_SQL);

    /** The cluster's identity; it cannot change while a connection lasts, so it is read once per connection. */
    static final String IDENTITY_QUERY = "SELECT system_identifier FROM pg_control_system()";

    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 4000;

    private final NodeConfig node;
    private final Properties properties;
    private volatile Open open;
    // Touched by the node's probe thread only.
    private boolean identityWarned;
    // Touched by the node's probe thread only.
    private int connectFailures;
    private long nextConnectNanos;
    private String lastConnectError;
    // Whether the last failed connection attempt got no answer in time; touched by the node's probe thread only.
    private boolean lastConnectSilent;

    NodeProbe(NodeConfig node, Duration timeout) {
        this.node = node;
        this.properties = PgjdbcProperties.ownSession(
                node.connectionProperties(), "pgrouter-probe", timeout, PgjdbcProperties.seconds(timeout) + 1);
        properties.setProperty("tcpKeepAlive", "true");
        // One query, no server-side prepare round trips; the probe must cost the server as little as possible.
        properties.setProperty("prepareThreshold", "0");
    }

    String nodeName() {
        return node.name();
    }

    /** Runs one probe; never throws. */
    ProbeResult probe() {
        long started = System.nanoTime();
        try {
            Open o = connection();
            try (Statement s = o.connection().createStatement();
                    ResultSet rs = s.executeQuery(QUERY)) {
                rs.next();
                boolean inRecovery = rs.getBoolean(1);
                String pause = rs.getString(5);
                long replayAge = rs.getLong(8);
                if (rs.wasNull()) {
                    replayAge = -1;
                }
                return new ProbeResult(
                        node.name(),
                        true,
                        inRecovery,
                        lsn(rs.getString(2)),
                        lsn(rs.getString(3)),
                        lsn(rs.getString(4)),
                        pause != null && !pause.equals("not paused"),
                        rs.getString(6),
                        rs.getLong(7),
                        o.systemIdentifier(),
                        replayAge,
                        started,
                        System.nanoTime() - started,
                        null,
                        SwitchoverSignal.parse(rs.getString(9), rs.getLong(10)),
                        xid(rs.getString(11)));
            }
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            long latency = System.nanoTime() - started;
            // A connection attempt that timed out is silence, as is backing off after one: the node did not answer,
            // which is not the same as refusing (the monitor's "down").
            return silence(e) || e instanceof Backoff && lastConnectSilent
                    ? Assessor.timedOut(node.name(), started, latency, describe(e))
                    : ProbeResult.failed(node.name(), started, latency, describe(e));
        }
    }

    /** A probe connection and what is read once per connection. */
    private record Open(Connection connection, long systemIdentifier) {}

    private Open connection() throws SQLException {
        Open current = open;
        if (current != null) {
            return current;
        }
        Connection c;
        long now = System.nanoTime();
        if (connectFailures > 0 && now - nextConnectNanos < 0) {
            throw new Backoff("not reconnecting for another " + (nextConnectNanos - now) / 1_000_000 + " ms after "
                    + connectFailures + " failed attempts; last: " + lastConnectError);
        }
        try {
            c = new Driver().connect(node.jdbcUrl(), properties);
            if (c == null) {
                throw new SQLException("not a PostgreSQL JDBC URL: " + node.jdbcUrl());
            }
            c.setAutoCommit(true);
        } catch (SQLException e) {
            connectFailures++;
            lastConnectError = describe(e);
            lastConnectSilent = silence(e);
            long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(connectFailures - 1, 20));
            nextConnectNanos = now + backoff * 1_000_000;
            throw e;
        }
        connectFailures = 0;
        Open fresh = new Open(c, readSystemIdentifier(c));
        open = fresh;
        return fresh;
    }

    /**
     * The node's system identifier, or 0 when the user may not read it: the probe still works, only the check that
     * the node belongs to the cluster is skipped (said once, at WARN).
     */
    private long readSystemIdentifier(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(IDENTITY_QUERY)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                closeQuietly(c);
                throw e;
            }
            if (!identityWarned) {
                identityWarned = true;
                LOG.warn(
                        "Node '{}': cannot read its system identifier ({}); it is not checked to belong to the cluster",
                        node.name(),
                        describe(e));
            }
            return 0;
        }
    }

    /**
     * Cuts the probe connection at once (from another thread): a probe blocked on a frozen server fails instead
     * of waiting for the socket timeout. pgjdbc closes the socket on the executor it is given; that is the calling
     * thread here, never the probe's own thread, which is the one blocked (an abort queued behind it would wait for
     * the very probe it is meant to cut). Closing a socket does not wait for the server.
     */
    void abort() {
        Open o = open;
        open = null;
        if (o != null) {
            try {
                o.connection().abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // the connection is gone either way
            }
        }
    }

    private void closeConnection() {
        Open o = open;
        open = null;
        if (o != null) {
            closeQuietly(o.connection());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closeConnection();
    }

    private static long lsn(String text) {
        return text == null ? -1 : LogSequenceNumber.valueOf(text).asLong();
    }

    private static long xid(String text) {
        return text == null ? -1 : Long.parseLong(text);
    }

    /**
     * Whether {@code e} says the node did not answer in time: a socket timeout anywhere in its causes (connect or
     * read), or pgjdbc's own login timeout, which it reports as SQLSTATE 08001 "Connection attempt timed out."
     * without a cause.
     */
    static boolean silence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql
                    && "08001".equals(sql.getSQLState())
                    && sql.getMessage() != null
                    && sql.getMessage().contains("timed out")) {
                return true;
            }
        }
        return false;
    }

    /** A probe that did not try to connect, backing off after failed attempts. */
    private static final class Backoff extends SQLException {
        private static final long serialVersionUID = 1L;

        Backoff(String message) {
            super(message, "08001");
        }
    }

    private static String describe(Exception e) {
        String state = e instanceof SQLException sql && sql.getSQLState() != null
                ? " [SQLSTATE " + sql.getSQLState() + "]"
                : "";
        return tlsRejection(e) + e.getClass().getSimpleName() + ": " + e.getMessage() + state;
    }

    /**
     * Says so up front when TLS verification refused the server (a CA that did not sign its certificate, a host name
     * the certificate does not name): the operator's fix is a certificate, not the network.
     */
    static String tlsRejection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof java.security.cert.CertificateException
                    || message.contains("hostnameverifier")
                    || t instanceof javax.net.ssl.SSLHandshakeException
                            && (message.contains("PKIX") || message.contains("certificate"))) {
                return "TLS: the server's certificate was not accepted (sslmode verification failed): ";
            }
        }
        return "";
    }
}
