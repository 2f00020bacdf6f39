package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running program the kit starts next to PostgreSQL (etcd, Patroni, HAProxy): run as the {@link ServerUser},
 * in a session of its own, its output appended to a log file, and recorded in the run directory so that the sweep of
 * a dead JVM's leftovers kills it ({@link RunDirectory#recordProcess}).
 */
public final class BackgroundProcess {

    private static final int LOG_TAIL_LINES = 20;
    private static final long REAP_TIMEOUT_SECONDS = 5;

    private final String name;
    private final Process process;
    private final Path logFile;

    private BackgroundProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} as {@code user}.
     *
     * @param name names the process in messages and its record in {@code runDir}
     * @param environment added to the JVM's environment, from which {@code PG*} variables are removed
     * @param logFile where standard output and error are appended
     */
    public static BackgroundProcess start(
            String name,
            List<String> command,
            Map<String, String> environment,
            Path logFile,
            ServerUser user,
            Path runDir) {
        List<String> full = new ArrayList<>();
        // A session of its own: Ctrl-C in a terminal must reach the JVM, not the servers (see LocalNode).
        if (Commands.onPath("setsid")) {
            full.add("setsid");
        }
        full.addAll(user.command(command));
        ProcessBuilder pb = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(environment);
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            RunDirectory.recordProcess(runDir, name, process.toHandle());
            return new BackgroundProcess(name, process, logFile);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start " + name + " ('" + command.get(0) + "'): " + e.getMessage(), e);
        }
    }

    /** The name given at start. */
    public String name() {
        return name;
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code null} while the process runs, else how it ended, for messages. */
    public String exitDescription() {
        return process.isAlive() ? null : name + " exited with code " + process.exitValue();
    }

    /** SIGKILLs the process and its descendants and waits (bounded) until they are gone. */
    public void kill() {
        RunDirectory.killTree(process.toHandle());
        reap();
    }

    /**
     * Asks the process to end with SIGTERM and waits up to {@code timeout}; kills it when it does not end in time.
     *
     * @return whether it ended on its own
     */
    public boolean stop(Duration timeout) {
        if (!process.isAlive()) {
            return true;
        }
        Commands.signal("TERM", List.of(process.pid()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            Sleeper.pause(20);
        }
        boolean ended = !process.isAlive();
        if (!ended) {
            kill();
        }
        reap();
        return ended;
    }

    /** Waits (bounded) for the launched process so that no zombie stays behind. */
    private void reap() {
        try {
            process.waitFor(REAP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the log file, for error messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "Last lines of " + logFile + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log in " + logFile + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
