package io.pgrouter.testkit.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs short external commands (initdb, kill, id) with a deadline, and turns failures into readable errors. */
public final class Commands {

    private static final long TIMEOUT_SECONDS = 120;

    private Commands() {}

    /** Runs a command and returns its standard output; fails with its output when it exits non-zero. */
    public static String output(List<String> command, String purpose) {
        Result r = run(command, purpose);
        if (r.exitCode != 0) {
            throw new IllegalStateException("Could not " + purpose + ": '" + String.join(" ", command)
                    + "' exited with " + r.exitCode + ": " + r.output.strip());
        }
        return r.output;
    }

    /** Runs a command; returns its exit code and combined output. */
    public static Result run(List<String> command, String purpose) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") && !k.equals("PG_BIN"));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Could not " + purpose + ": '" + String.join(" ", command)
                        + "' did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not " + purpose + ": cannot run '" + command.get(0) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + purpose, e);
        }
    }

    /** Sends a signal ({@code "INT"}, {@code "STOP"}, ...) to processes; those already gone are ignored. */
    public static void signal(String signal, List<Long> pids) {
        List<Long> alive = pids.stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .toList();
        if (alive.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("kill", "-s", signal));
        alive.forEach(pid -> cmd.add(Long.toString(pid)));
        run(cmd, "send SIG" + signal + " to " + alive);
    }

    /** Whether an executable of this name is on the PATH. */
    public static boolean onPath(String executable) {
        return locate(executable).isPresent();
    }

    /** The first executable of this name on the PATH. */
    public static Optional<Path> locate(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return Optional.of(Path.of(dir, executable));
            }
        }
        return Optional.empty();
    }

    /**
     * A finished command.
     *
     * @param exitCode its exit code
     * @param output standard output and error, interleaved
     */
    public record Result(int exitCode, String output) {}
}
