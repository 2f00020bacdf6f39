package io.pgrouter.testkit.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operating-system user that server processes run as.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM is root (as in CI containers), servers run as an
 * unprivileged user ({@code nobody}, or {@code PGROUTER_TESTKIT_OS_USER}) through {@code setpriv}, which execs
 * in place so that the launched process is the server itself, or {@code runuser} where setpriv is missing.
 * Data directories are handed to that user. Otherwise servers run as the JVM's own user.
 */
public final class ServerUser {

    private final String name;
    private final Integer uid;
    private final Integer gid;
    private final List<String> launcher;

    private ServerUser(String name, Integer uid, Integer gid, List<String> launcher) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.launcher = launcher;
    }

    /** The user for this JVM: itself, or an unprivileged one when the JVM runs as root. */
    public static ServerUser detect() {
        if (!isRoot()) {
            return new ServerUser(ProcessHandle.current().info().user().orElse("current user"), null, null, List.of());
        }
        String name = Optional.ofNullable(KitSettings.get("pgrouter.testkit.os-user", "PGROUTER_TESTKIT_OS_USER"))
                .orElse("nobody");
        int uid = Integer.parseInt(Commands.output(
                        List.of("id", "-u", name),
                        "look up user '" + name + "' to run PostgreSQL as (PostgreSQL refuses root)")
                .trim());
        int gid =
                Integer.parseInt(Commands.output(List.of("id", "-g", name), "look up the group of user '" + name + "'")
                        .trim());
        List<String> launcher;
        if (Commands.onPath("setpriv")) {
            launcher = List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
        } else if (Commands.onPath("runuser")) {
            launcher = List.of("runuser", "-u", name, "--");
        } else {
            throw new IllegalStateException(
                    "The JVM runs as root and PostgreSQL refuses root, but neither setpriv nor runuser "
                            + "(util-linux) is on the PATH to start it as user '" + name
                            + "': install util-linux or run the tests as a normal user");
        }
        return new ServerUser(name, uid, gid, launcher);
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(ProcessHandle.current().info().user().orElse(System.getProperty("user.name")));
        }
    }

    /** Whether servers run as another user than the JVM. */
    public boolean switchesUser() {
        return uid != null;
    }

    /** The user's name, for messages. */
    public String name() {
        return name;
    }

    /** {@code command}, prefixed so that it runs as this user. */
    public List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(launcher);
        full.addAll(command);
        return full;
    }

    /** Hands a file or a whole directory tree to this user (no-op when the user is the JVM's own). */
    public void own(Path path) throws IOException {
        if (uid == null) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void chown(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String toString() {
        return uid == null ? name : name + " (uid " + uid + ")";
    }
}
