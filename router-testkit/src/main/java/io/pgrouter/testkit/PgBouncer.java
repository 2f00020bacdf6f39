package io.pgrouter.testkit;

import io.pgrouter.testkit.internal.Commands;
import io.pgrouter.testkit.internal.ServerUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PgBouncer (the operating system's {@code pgbouncer}) in front of one node of a {@link ReplicaSet}, in
 * transaction pooling mode, on a free loopback port: clients connect to {@link #jdbcUrl()} with the replica set's
 * credentials, and PgBouncer lends them a server connection to the node per transaction.
 *
 * <pre>{@code
 * try (PgBouncer bouncer = PgBouncer.inFrontOf(cluster.replica(0), cluster)) {
 *     String url = bouncer.jdbcUrl();   // ...?prepareThreshold=0
 * }
 * }</pre>
 *
 * <p>The node behind it can be stopped and started as usual; PgBouncer stays up, fails the transactions that need
 * the node meanwhile, and logs in again within a second once it is back ({@code server_login_retry = 1}). When the
 * JVM runs as root, PgBouncer (which refuses root, as PostgreSQL does) runs as the servers' user.
 */
public final class PgBouncer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final PostgresNode node;
    private final String database;
    private final Path dir;
    private final Process process;
    private final int port;

    private PgBouncer(PostgresNode node, String database, Path dir, Process process, int port) {
        this.node = node;
        this.database = database;
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Whether {@code pgbouncer} is on the PATH (Debian: {@code apt-get install pgbouncer}). */
    public static boolean isAvailable() {
        return Commands.onPath("pgbouncer");
    }

    /**
     * Starts PgBouncer in front of {@code node} for the replica set's database and user, and waits until it accepts
     * connections.
     *
     * @throws IllegalStateException naming the node when {@code pgbouncer} is missing or does not start
     */
    public static PgBouncer inFrontOf(PostgresNode node, ReplicaSet cluster) {
        if (!isAvailable()) {
            throw new IllegalStateException(
                    "pgbouncer is not on the PATH (Debian: apt-get install pgbouncer); needed in front of "
                            + node.name());
        }
        Path dir = null;
        Process process = null;
        try {
            dir = Files.createTempDirectory("pgrouter-pgbouncer-" + node.name() + "-");
            int port = freePort();
            // PgBouncer checks client passwords against this file and logs in to PostgreSQL with the same ones.
            Files.writeString(
                    dir.resolve("userlist.txt"), quote(cluster.user()) + " " + quote(cluster.password()) + "\n");
            Files.writeString(
                    dir.resolve("pgbouncer.ini"),
                    """
                    [databases]
                    %s = host=%s port=%d dbname=%s
                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir =
                    auth_type = scram-sha-256
                    auth_file = %s
                    pool_mode = transaction
                    default_pool_size = 20
                    max_client_conn = 500
                    server_login_retry = 1
                    server_connect_timeout = 2
                    ; pgjdbc sends these at start-up; in transaction mode they cannot be kept per client.
                    ignore_startup_parameters = extra_float_digits,options
                    logfile = %s
                    pidfile = %s
                    """.formatted(
                                    cluster.database(),
                                    node.host(),
                                    node.port(),
                                    cluster.database(),
                                    port,
                                    dir.resolve("userlist.txt"),
                                    dir.resolve("pgbouncer.log"),
                                    dir.resolve("pgbouncer.pid")),
                    StandardCharsets.UTF_8);
            ServerUser user = ServerUser.detect();
            user.own(dir);
            process = new ProcessBuilder(user.command(
                            List.of("pgbouncer", dir.resolve("pgbouncer.ini").toString())))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pgbouncer.out").toFile())
                    .start();
            PgBouncer bouncer = new PgBouncer(node, cluster.database(), dir, process, port);
            bouncer.awaitListening();
            return bouncer;
        } catch (IOException | RuntimeException e) {
            stop(process);
            String log = dir == null ? "" : tail(dir.resolve("pgbouncer.log")) + tail(dir.resolve("pgbouncer.out"));
            delete(dir);
            throw new IllegalStateException(
                    "could not start pgbouncer in front of " + node.name() + ": " + e.getMessage()
                            + (log.isBlank() ? "" : "\n" + log),
                    e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "pgbouncer did not listen on port " + port + " within " + STARTUP_TIMEOUT);
                }
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting pgbouncer", e);
            }
        }
    }

    /** The node PgBouncer passes connections to. */
    public PostgresNode node() {
        return node;
    }

    /** PgBouncer's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * A pgjdbc URL for the replica set's database through PgBouncer, without credentials, with
     * {@code prepareThreshold=0}: in transaction mode consecutive statements may reach different server sessions,
     * so named server-side prepared statements must not be used.
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
    }

    /** Stops PgBouncer (its clients are cut off) and deletes its directory. */
    @Override
    public void close() {
        stop(process);
        delete(dir);
    }

    @Override
    public String toString() {
        return "PgBouncer on 127.0.0.1:" + port + " in front of " + node.name();
    }

    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
