package io.pgrouter.samples.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One finished run of a short-lived program (promtool): its exit code and its output, stdout and stderr merged. */
record ProgramRun(List<String> command, int exitCode, String output) {

    /**
     * Runs {@code command} in {@code workDir} and waits for it, at most {@code timeout}.
     *
     * @throws IllegalStateException naming the command when it runs longer (it is killed)
     */
    static ProgramRun run(Path workDir, Duration timeout, String... command) {
        try {
            Path log = Files.createTempFile("pgrouter-program", ".log");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                try {
                    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException(String.join(" ", command) + " still ran after " + timeout);
                    }
                } finally {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                return new ProgramRun(
                        List.of(command), process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
    }
}
