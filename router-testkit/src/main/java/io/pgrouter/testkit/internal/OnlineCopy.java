package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Copies the data directory of a running primary with PostgreSQL's low-level backup API
 * ({@code pg_backup_start} / {@code pg_backup_stop}, PostgreSQL 15 and later), so that the copy starts as a
 * standby without stopping the primary.
 *
 * <p>The embedded binaries have no {@code pg_basebackup}; the copy is made by this JVM, which can read the data
 * directory. The WAL the copy needs is not copied: the standby streams it through its replication slot, which
 * is created before the backup starts and so holds that WAL on the primary.
 */
final class OnlineCopy {

    /** Directories whose contents a backup leaves out (PostgreSQL docs, "Backing Up the Data Directory"). */
    private static final Set<String> EMPTY_DIRS = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");

    private static final Set<String> SKIPPED_FILES = Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "backup_label",
            "tablespace_map",
            "standby.signal",
            "recovery.signal",
            "postgresql.auto.conf");

    private OnlineCopy() {}

    /** Copies {@code source}'s data directory into the empty directory {@code target}. */
    static void copy(LocalNode source, Path target) {
        try (Connection c = source.adminDataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_backup_start('pgrouter-testkit', true)");
            boolean stopped = false;
            try {
                copyTree(source.dataDir(), target);
                try (ResultSet rs = s.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                    rs.next();
                    Files.writeString(target.resolve("backup_label"), rs.getString(1), StandardCharsets.UTF_8);
                    String spcmap = rs.getString(2);
                    if (spcmap != null && !spcmap.isEmpty()) {
                        Files.writeString(target.resolve("tablespace_map"), spcmap, StandardCharsets.UTF_8);
                    }
                }
                stopped = true;
            } finally {
                if (!stopped) {
                    // Ending the session aborts the backup; nothing to undo on the primary.
                    c.close();
                }
            }
            // ALTER SYSTEM settings of the source (a replay delay, say) must not carry over to the copy.
            Files.writeString(target.resolve("postgresql.auto.conf"), "# Reset by the pgrouter test kit\n");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(
                    "Cannot copy the data directory of " + source.name() + " into " + target + ": " + e.getMessage(),
                    e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path dest = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(dest);
                boolean keepEmpty = !dir.equals(from)
                        && EMPTY_DIRS.contains(dir.getFileName().toString())
                        && dir.getParent().equals(from);
                return keepEmpty ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                boolean top = file.getParent().equals(from);
                if ((top && SKIPPED_FILES.contains(name)) || name.startsWith("pgsql_tmp") || !attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException e) {
                    // Dropped while we copied: WAL replay recreates whatever the copy needs.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }
}
