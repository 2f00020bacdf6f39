package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads the postmaster's pid from {@code postmaster.pid}, the lock file PostgreSQL keeps in its data directory. */
public final class PostmasterPid {

    private PostmasterPid() {}

    /** The pid the lock file names, when there is a lock file and it names a living postgres process. */
    public static Optional<Long> read(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            // A stale lock file may name a pid that now belongs to something else: check it is a postgres.
            boolean isPostgres = ProcessHandle.of(pid)
                    .flatMap(h -> h.info().command())
                    .map(cmd -> cmd.endsWith("postgres"))
                    .orElse(false);
            return isPostgres ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
