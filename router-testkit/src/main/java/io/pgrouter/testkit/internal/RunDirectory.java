package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory one replica set lives in, under {@code <tmp>/pgrouter-testkit-<user>/} (or {@code pgrouter.testkit.dir} /
 * {@code PGROUTER_TESTKIT_DIR}).
 *
 * <p>Each run directory holds an {@code owner} file with the JVM's pid and start time. A JVM that died without
 * closing its replica sets (kill -9, a crashed test fork) leaves servers and files behind; the next
 * {@link #create()} finds run directories whose owner is gone, kills the servers still running from them and
 * deletes them, so leftovers never break a later run.
 */
public final class RunDirectory {

    private static final Logger log = LoggerFactory.getLogger(RunDirectory.class);
    private static final String OWNER_FILE = "owner";
    private static final String PROCESS_SUFFIX = ".process";

    private RunDirectory() {}

    /** The kit's base directory, shared by run directories and extracted binaries. */
    public static Path base() {
        String configured = KitSettings.get("pgrouter.testkit.dir", "PGROUTER_TESTKIT_DIR");
        // One base per OS user: a directory another user made is not ours to write in or to sweep.
        Path base = configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "pgrouter-testkit-" + osUser());
        try {
            Files.createDirectories(base);
            if (!Files.isWritable(base)) {
                throw new IOException("not writable by " + osUser());
            }
            // Servers may run as another user: it must be able to reach its data directory below.
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to open up
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot create the test kit directory " + base + ": " + e.getMessage()
                            + " (set PGROUTER_TESTKIT_DIR to a writable directory)",
                    e);
        }
        return base;
    }

    private static String osUser() {
        return System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Removes leftovers of dead JVMs, then creates a new run directory owned by this JVM. */
    public static Path create() {
        Path base = base();
        sweepLeftovers(base);
        Path dir = base.resolve("run-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve(OWNER_FILE), ownerToken());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot create run directory " + dir + ": " + e.getMessage()
                            + " (set PGROUTER_TESTKIT_DIR to a writable directory)",
                    e);
        }
        return dir;
    }

    static void sweepLeftovers(Path base) {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(base, "run-*")) {
            for (Path run : runs) {
                if (!ownerAlive(run)) {
                    log.info("Removing leftovers of an earlier run that did not shut down: {}", run);
                    try {
                        killServersIn(run);
                    } catch (IOException | UncheckedIOException e) {
                        // Files vanish under the walk when another JVM sweeps the same run at the same time.
                        log.warn("Could not look for servers left running in {}: {}", run, e.toString());
                    }
                    delete(run);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not sweep leftovers in {}: {}", base, e.getMessage());
        }
    }

    private static boolean ownerAlive(Path run) {
        try {
            return isAlive(Files.readString(run.resolve(OWNER_FILE), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            // A run directory being created right now has no owner file for a moment: leave young ones alone.
            return isYoung(run);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** This JVM as the owner of something the kit made: its pid and start time. */
    static String ownerToken() {
        return ProcessHandle.current().pid() + " "
                + startInstant(ProcessHandle.current()).orElse("");
    }

    /** Whether the JVM an {@link #ownerToken()} names still runs. */
    static boolean isAlive(String ownerToken) {
        try {
            String[] owner = ownerToken.trim().split(" ", 2);
            Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(owner[0]));
            // The start time guards against a recycled pid.
            return handle.isPresent()
                    && handle.get().isAlive()
                    && (owner.length < 2
                            || owner[1].equals(startInstant(handle.get()).orElse("")));
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean isYoung(Path run) {
        try {
            return Files.getLastModifiedTime(run)
                    .toInstant()
                    .isAfter(Instant.now().minusSeconds(60));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Notes a process started for the run directory {@code run} (etcd, Patroni, HAProxy: anything without a
     * {@code postmaster.pid}), so that the sweep of a dead JVM's leftovers kills it too. The start time guards
     * against a recycled pid.
     */
    public static void recordProcess(Path run, String name, ProcessHandle process) {
        Path file = run.resolve(name + PROCESS_SUFFIX);
        try {
            Files.writeString(file, process.pid() + " " + startInstant(process).orElse(""));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot record process " + name + " in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills every process recorded in {@code run}, then every server whose data directory lies in it, with all of
     * their processes. Recorded processes go first: a Patroni left running would start its PostgreSQL again.
     */
    static void killServersIn(Path run) throws IOException {
        try (Stream<Path> files = Files.list(run)) {
            for (Path record : files.filter(p -> p.getFileName().toString().endsWith(PROCESS_SUFFIX))
                    .toList()) {
                recordedProcess(record).ifPresent(RunDirectory::killTree);
            }
        }
        try (Stream<Path> files = Files.walk(run, 3)) {
            for (Path pidFile : files.filter(p -> p.getFileName().toString().equals("postmaster.pid"))
                    .toList()) {
                PostmasterPid.read(pidFile.getParent())
                        .ifPresent(pid -> ProcessHandle.of(pid).ifPresent(RunDirectory::killTree));
            }
        }
    }

    private static Optional<ProcessHandle> recordedProcess(Path record) {
        try {
            String[] fields =
                    Files.readString(record, StandardCharsets.UTF_8).trim().split(" ", 2);
            return ProcessHandle.of(Long.parseLong(fields[0]))
                    .filter(h -> fields.length < 2
                            || fields[1].equals(startInstant(h).orElse("")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** SIGKILLs a process and its descendants and waits (bounded) until they are gone. */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> all =
                Stream.concat(Stream.of(root), root.descendants()).toList();
        all.forEach(h -> Commands.signal("CONT", List.of(h.pid())));
        all.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Sleeper.pause(20);
        }
    }

    /** Deletes a directory tree; files that vanish meanwhile are fine. */
    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete {} completely: {}", root, e.getMessage());
        }
    }

    private static Optional<String> startInstant(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toString);
    }
}
