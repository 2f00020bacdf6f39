package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.BackgroundProcess;
import io.pgrouter.testkit.internal.FreePorts;
import io.pgrouter.testkit.internal.PostmasterPid;
import io.pgrouter.testkit.internal.RunDirectory;
import io.pgrouter.testkit.internal.ServerUser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One Patroni member as this machine runs it: a directory {@code <run>/<name>/} with its {@code patroni.yml}, its
 * password file and PostgreSQL's data directory ({@code data/}), the Patroni process, and the PostgreSQL server Patroni
 * starts (detached from Patroni, found through {@code postmaster.pid}).
 */
final class PatroniNode {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final int pgPort;
    private final int restPort;
    private final Path dir;
    private final Path runDir;
    private final ServerUser user;
    private final PatroniPrograms programs;
    private volatile BackgroundProcess patroni;
    /** Whether Patroni should be running: started, and neither killed nor stopped since. */
    private volatile boolean wanted;

    private PatroniNode(String name, Path runDir, ServerUser user, PatroniPrograms programs) {
        this.name = name;
        this.pgPort = FreePorts.next();
        this.restPort = FreePorts.next();
        this.runDir = runDir;
        this.dir = runDir.resolve(name);
        this.user = user;
        this.programs = programs;
    }

    /** Creates the member's directory and configuration; {@link #start()} then runs it. */
    static PatroniNode create(
            String name, Path runDir, ServerUser user, PatroniPrograms programs, PatroniConfig.Cluster cluster) {
        PatroniNode node = new PatroniNode(name, runDir, user, programs);
        try {
            Files.createDirectory(node.dir);
            // PostgreSQL wants its data directory private; Patroni creates it below this one (initdb, pg_basebackup).
            Files.setPosixFilePermissions(node.dir, PosixFilePermissions.fromString("rwx------"));
            Path config = node.configFile();
            Files.writeString(config, PatroniConfig.render(cluster, node.settings()), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            user.own(node.dir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot prepare Patroni member " + name + " in " + node.dir + ": " + e.getMessage(), e);
        }
        return node;
    }

    private PatroniConfig.Member settings() {
        return new PatroniConfig.Member(name, pgPort, restPort, dataDir(), dir.resolve("pgpass"));
    }

    private Path configFile() {
        return dir.resolve("patroni.yml");
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    String name() {
        return name;
    }

    int pgPort() {
        return pgPort;
    }

    /** The base URL of this member's REST API, such as {@code http://127.0.0.1:8008/}. */
    URI restUrl() {
        return URI.create("http://" + FreePorts.HOST + ":" + restPort + "/");
    }

    /** Starts Patroni, which starts (or bootstraps, or clones) PostgreSQL on its own; does not wait. */
    synchronized void start() {
        if (isRunning()) {
            return;
        }
        // Patroni and psycopg look for files in the home directory; the unprivileged user's may not exist.
        wanted = true;
        patroni = BackgroundProcess.start(
                name,
                List.of(programs.patroni().toString(), configFile().toString()),
                Map.of("HOME", dir.toString()),
                runDir.resolve(name + ".log"),
                user,
                runDir);
    }

    /** Whether Patroni runs. */
    boolean isRunning() {
        BackgroundProcess p = patroni;
        return p != null && p.isAlive();
    }

    /** {@code null} unless Patroni ended without being killed or stopped; then how, with its log. */
    String unexpectedExit() {
        BackgroundProcess p = patroni;
        String exit = !wanted || p == null ? null : p.exitDescription();
        return exit == null ? null : exit + ". " + p.logTail();
    }

    /** The end of Patroni's log (which PostgreSQL's log is part of), for messages. */
    String logTail() {
        BackgroundProcess p = patroni;
        return p == null ? "(" + name + " was never started)" : p.logTail();
    }

    /**
     * SIGKILLs Patroni and then PostgreSQL, as a crash of the machine would: nothing is handed over and the leader key
     * stays in etcd until its TTL runs out.
     */
    synchronized void kill() {
        wanted = false;
        BackgroundProcess p = patroni;
        if (p != null) {
            // Patroni first: while it lives it would start PostgreSQL again.
            p.kill();
        }
        PostmasterPid.read(dataDir()).flatMap(ProcessHandle::of).ifPresent(RunDirectory::killTree);
    }

    /**
     * Stops Patroni with SIGTERM: it stops PostgreSQL (fast shutdown) and, when it leads, hands the leader key back.
     * Whatever is still running after a bounded wait is killed.
     */
    synchronized void stop() {
        wanted = false;
        BackgroundProcess p = patroni;
        if (p != null) {
            p.stop(STOP_TIMEOUT);
        }
        PostmasterPid.read(dataDir()).flatMap(ProcessHandle::of).ifPresent(RunDirectory::killTree);
    }

    /** Deletes the member's directory; only once it is stopped. */
    void delete() {
        RunDirectory.delete(dir);
    }

    @Override
    public String toString() {
        return name + " (PostgreSQL " + FreePorts.HOST + ":" + pgPort + ", REST " + restUrl() + ")";
    }
}
