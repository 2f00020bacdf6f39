package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server process on this machine, started from {@link PostgresBinaries}. */
final class LocalNode extends AbstractNode {

    private static final Logger log = LoggerFactory.getLogger(LocalNode.class);
    static final String HOST = "127.0.0.1";
    private static final String KIT_CONF = "pgrouter.conf";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final NodeNetwork network;
    private final Path dataDir;
    private final Path logFile;
    private final PostgresBinaries binaries;
    private final ServerUser user;
    private final ReplicaSetSpec spec;
    private final DataSource dataSource;
    private final DataSource adminDataSource;
    private final TlsMaterial tls;

    private volatile Process process;
    private volatile boolean frozen;

    LocalNode(
            String name,
            Role role,
            NodeNetwork network,
            Path runDir,
            PostgresBinaries binaries,
            ServerUser user,
            ReplicaSetSpec spec,
            TlsMaterial tls) {
        super(name, role);
        this.network = network;
        this.dataDir = runDir.resolve(name);
        this.logFile = runDir.resolve(name + ".log");
        this.binaries = binaries;
        this.user = user;
        this.spec = spec;
        this.tls = tls;
        this.dataSource =
                Sql.dataSource(network.host(), network.port(), spec.database(), spec.user(), spec.password(), tls);
        this.adminDataSource =
                Sql.dataSource(network.host(), network.port(), "postgres", spec.user(), spec.password(), tls);
    }

    @Override
    public String host() {
        return network.host();
    }

    @Override
    public int port() {
        return network.port();
    }

    @Override
    NetworkFaults networkFaults() {
        return network.faults();
    }

    @Override
    String database() {
        return spec.database();
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    DataSource adminDataSource() {
        return adminDataSource;
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public boolean isRunning() {
        return PostmasterPid.read(dataDir)
                .flatMap(ProcessHandle::of)
                .map(ProcessHandle::isAlive)
                .orElse(false);
    }

    /** Creates an empty cluster in the data directory, with the kit's superuser and password. */
    void initdb(Path runDir) {
        Path pwFile = runDir.resolve(name() + ".pw");
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(pwFile, spec.password() + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            user.own(dataDir);
            user.own(pwFile);
            Commands.output(
                    user.command(List.of(
                            binaries.program("initdb"),
                            "-D",
                            dataDir.toString(),
                            "-U",
                            spec.user(),
                            "--pwfile=" + pwFile,
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "-E",
                            "UTF8",
                            "--locale=C",
                            "--no-sync",
                            "--no-instructions")),
                    "initialize the data directory of " + name() + " in " + dataDir + " as " + user);
            if (network.clientNetwork() != null) {
                // Clients and replicas come from the kit's namespace network, not from loopback. Replicas copy this
                // file.
                Files.writeString(
                        dataDir.resolve("pg_hba.conf"),
                        "\nhost all all " + network.clientNetwork() + " scram-sha-256\n" + "host replication all "
                                + network.clientNetwork() + " scram-sha-256\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            if (tls != null) {
                requireTls(dataDir.resolve("pg_hba.conf"));
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot prepare the data directory of " + name() + " in " + dataDir + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(pwFile);
            } catch (IOException ignored) {
                // the run directory is deleted on close anyway
            }
        }
    }

    /**
     * Clients must connect over TLS (and with a client certificate where required): every {@code host} line for
     * ordinary connections becomes {@code hostssl}. Replication lines stay as they are (replicas stream from the
     * primary as before; libpq still prefers TLS). Replicas copy this file with the data directory.
     */
    private void requireTls(Path hba) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(hba)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 5 && fields[0].equals("host") && !fields[1].equals("replication")) {
                line = "hostssl" + line.trim().substring(4)
                        + (tls.clientCertificatesRequired() ? " clientcert=verify-full" : "");
            }
            lines.add(line);
        }
        Files.write(hba, lines, StandardCharsets.UTF_8);
    }

    /** Writes this node's certificate, key and the CA into its data directory, mode 0600, and the settings that use them. */
    private void writeTlsFiles(List<String> settings) throws IOException {
        TlsMaterial.ServerFiles files = tls.serverFiles(name(), network.host());
        for (var file : Map.of(
                        "server.crt", files.certificate(), "server.key", files.key(), "root.crt", files.caCertificate())
                .entrySet()) {
            Path path = dataDir.resolve(file.getKey());
            Files.writeString(path, file.getValue(), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        settings.add(ServerConfig.confLine("ssl", "on"));
        settings.add(ServerConfig.confLine("ssl_cert_file", "server.crt"));
        settings.add(ServerConfig.confLine("ssl_key_file", "server.key"));
        settings.add(ServerConfig.confLine("ssl_ca_file", "root.crt"));
    }

    /**
     * Writes the kit's settings into {@code pgrouter.conf} (included from postgresql.conf): this node's port, and,
     * for a replica, where it streams from. A replica also gets {@code standby.signal}.
     */
    void configure(LocalNode upstream) {
        writeConfig(upstream, upstream != null);
    }

    private void writeConfig(LocalNode upstream, boolean standby) {
        try {
            List<String> lines = new ArrayList<>();
            lines.add("# Written by the pgrouter test kit for node " + name());
            Map<String, String> settings = ServerConfig.common(spec.settings());
            settings.forEach((k, v) -> lines.add(ServerConfig.confLine(k, v)));
            lines.add(ServerConfig.confLine("listen_addresses", network.listenHost()));
            lines.add(ServerConfig.confLine("port", Integer.toString(network.listenPort())));
            lines.add(ServerConfig.confLine("unix_socket_directories", ""));
            if (tls != null) {
                // Again at each (re)configuration: a replica's data directory is a copy of the primary's, its files
                // too.
                writeTlsFiles(lines);
            }
            if (upstream != null) {
                lines.add(ServerConfig.confLine(
                        "primary_conninfo",
                        ServerConfig.primaryConninfo(
                                upstream.host(), upstream.port(), spec.user(), spec.password(), name())));
                lines.add(ServerConfig.confLine("primary_slot_name", ServerConfig.slotName(name())));
                lines.add(ServerConfig.confLine("recovery_target_timeline", "latest"));
            }
            Path conf = dataDir.resolve(KIT_CONF);
            Files.write(conf, lines, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
            Path main = dataDir.resolve("postgresql.conf");
            String include = "include_if_exists = '" + KIT_CONF + "'";
            if (!Files.readString(main).contains(include)) {
                Files.writeString(main, "\n" + include + "\n", java.nio.file.StandardOpenOption.APPEND);
            }
            Path signal = dataDir.resolve("standby.signal");
            if (standby) {
                Files.writeString(signal, "");
            } else {
                Files.deleteIfExists(signal);
            }
            user.own(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot write the configuration of " + name() + " in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Leaves a running replica a hot standby with no upstream: PostgreSQL stops its WAL receiver on reload. */
    void detach() {
        writeConfig(null, true);
        Sql.execute(adminDataSource, "SELECT pg_reload_conf()");
    }

    /** Points a running replica at another upstream and reloads: PostgreSQL restarts its WAL receiver. */
    void follow(LocalNode upstream) {
        configure(upstream);
        Sql.execute(adminDataSource, "SELECT pg_reload_conf()");
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        if (network.listensHere()) {
            requirePortFree();
        }
        List<String> command = new ArrayList<>();
        // A session of its own: Ctrl-C in a terminal signals the whole foreground process group, and SIGINT is
        // PostgreSQL's fast shutdown. The servers must stop when the kit says so, not under a running demo.
        if (Commands.onPath("setsid")) {
            command.add("setsid");
        }
        command.addAll(network.launcher());
        command.addAll(user.command(List.of(binaries.program("postgres"), "-D", dataDir.toString())));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        try {
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + name() + ": " + e.getMessage(), e);
        }
        frozen = false;
        awaitAcceptingConnections(spec.startupTimeout());
        log.debug("{} accepts connections on {}:{}", name(), host(), port());
    }

    private void requirePortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(network.listenHost()), network.listenPort()));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start " + name() + ": port " + network.listenPort() + " on " + network.listenHost()
                            + " is in use by another process"
                            + " (leave basePort unset to use free ports, or stop what listens there)");
        }
    }

    @Override
    String deathWhileStarting() {
        Process p = process;
        return p != null && !p.isAlive() && !isRunning()
                ? "exited while starting (exit code " + p.exitValue() + ")"
                : null;
    }

    @Override
    public synchronized void stop() {
        ProcessHandle postmaster = postmaster();
        if (postmaster == null) {
            return;
        }
        if (frozen) {
            thaw();
        }
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended and a shutdown checkpoint is written.
        Commands.signal("INT", List.of(postmaster.pid()));
        if (!awaitExit(postmaster, STOP_TIMEOUT)) {
            log.warn("{} did not stop within {} s; killing it", name(), STOP_TIMEOUT.toSeconds());
            RunDirectory.killTree(postmaster);
        }
        reapLauncher();
    }

    @Override
    public synchronized void kill() {
        ProcessHandle postmaster = postmaster();
        if (postmaster != null) {
            RunDirectory.killTree(postmaster);
        }
        frozen = false;
        reapLauncher();
    }

    @Override
    public synchronized void freeze() {
        ProcessHandle postmaster = requirePostmaster("freeze");
        Commands.signal("STOP", tree(postmaster));
        frozen = true;
    }

    @Override
    public synchronized void thaw() {
        ProcessHandle postmaster = postmaster();
        if (postmaster != null) {
            Commands.signal("CONT", tree(postmaster));
        }
        frozen = false;
    }

    private ProcessHandle requirePostmaster(String control) {
        ProcessHandle postmaster = postmaster();
        if (postmaster == null) {
            throw new IllegalStateException("Cannot " + control + " " + name() + ": it is not running");
        }
        return postmaster;
    }

    private ProcessHandle postmaster() {
        return PostmasterPid.read(dataDir)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .orElse(null);
    }

    private static List<Long> tree(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants())
                .map(ProcessHandle::pid)
                .toList();
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (handle.isAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Sleeper.pause(20);
        }
        return true;
    }

    /** Waits for the launched process (the server itself, or runuser) so that no zombie stays behind. */
    private void reapLauncher() {
        Process p = process;
        if (p != null) {
            if (!awaitExit(p.toHandle(), Duration.ofSeconds(5))) {
                p.destroyForcibly();
            }
            process = null;
        }
    }

    @Override
    String diagnostics() {
        return ". Last lines of " + logFile + ":\n" + logTail();
    }

    /** The last lines the server logged, for error messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
