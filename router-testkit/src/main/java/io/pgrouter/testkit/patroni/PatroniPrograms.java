package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.Commands;
import io.pgrouter.testkit.internal.KitSettings;
import io.pgrouter.testkit.internal.ProviderUnavailableException;
import io.pgrouter.testkit.internal.ServerUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating system's programs a {@link PatroniCluster} runs: {@code patroni}, {@code etcd} and a PostgreSQL
 * installation with {@code pg_basebackup} and {@code pg_rewind} (Debian: {@code /usr/lib/postgresql/<major>/bin}).
 *
 * @param patroni the {@code patroni} executable
 * @param etcd the {@code etcd} executable
 * @param pgBin the PostgreSQL {@code bin} directory Patroni is given
 */
record PatroniPrograms(Path patroni, Path etcd, Path pgBin) {

    /** Where Debian's postgresql-common installs each major version's programs. */
    private static final Path DEBIAN_POSTGRESQL = Path.of("/usr/lib/postgresql");

    private static final List<String> PG_PROGRAMS =
            List.of("postgres", "initdb", "pg_ctl", "pg_basebackup", "pg_rewind", "pg_isready");

    /**
     * Finds the programs.
     *
     * @throws ProviderUnavailableException saying what is missing and which package provides it
     */
    static PatroniPrograms find() {
        Path patroni = executable("patroni", "pgrouter.testkit.patroni", "PGROUTER_TESTKIT_PATRONI", "patroni");
        Path etcd = executable("etcd", "pgrouter.testkit.etcd", "PGROUTER_TESTKIT_ETCD", "etcd-server");
        Path pgBin = findPgBin();
        try {
            // Patroni refuses root like PostgreSQL: the kit needs setpriv or runuser to start it as another user.
            ServerUser.detect();
        } catch (IllegalStateException e) {
            throw new ProviderUnavailableException(e.getMessage(), e);
        }
        return new PatroniPrograms(patroni, etcd, pgBin);
    }

    /** {@code null} when {@link #find()} succeeds, else why it does not. */
    static String unavailableReason() {
        try {
            find();
            return null;
        } catch (ProviderUnavailableException e) {
            return e.getMessage();
        }
    }

    private static Path executable(String program, String property, String env, String debianPackage) {
        String configured = KitSettings.get(property, env);
        if (configured != null) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new ProviderUnavailableException(
                        property + " / " + env + " names " + configured + ", which is not an executable file");
            }
            return path;
        }
        return Commands.locate(program)
                .orElseThrow(() -> new ProviderUnavailableException("'" + program + "' is not on the PATH"
                        + " (Debian: apt-get install " + debianPackage + ", or set " + env + ")"));
    }

    /** {@code PGROUTER_TESTKIT_PATRONI_PG_BIN}, else the newest Debian installation that has every program Patroni runs. */
    private static Path findPgBin() {
        String configured = KitSettings.get("pgrouter.testkit.patroni.pg-bin", "PGROUTER_TESTKIT_PATRONI_PG_BIN");
        if (configured != null) {
            Path bin = Path.of(configured);
            List<String> missing = missingPrograms(bin);
            if (!missing.isEmpty()) {
                throw new ProviderUnavailableException(
                        "pgrouter.testkit.patroni.pg-bin / PGROUTER_TESTKIT_PATRONI_PG_BIN names " + bin
                                + ", which lacks " + missing);
            }
            return bin;
        }
        if (!Files.isDirectory(DEBIAN_POSTGRESQL)) {
            throw new ProviderUnavailableException("no PostgreSQL installation in " + DEBIAN_POSTGRESQL
                    + " (Debian: apt-get install postgresql-15, or set PGROUTER_TESTKIT_PATRONI_PG_BIN)");
        }
        try (Stream<Path> versions = Files.list(DEBIAN_POSTGRESQL)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .sorted(Comparator.comparingInt(
                                    (Path v) -> Integer.parseInt(v.getFileName().toString()))
                            .reversed())
                    .map(v -> v.resolve("bin"))
                    .filter(bin -> missingPrograms(bin).isEmpty())
                    .findFirst()
                    .orElseThrow(
                            () -> new ProviderUnavailableException(
                                    "no PostgreSQL in " + DEBIAN_POSTGRESQL + "/*/bin has all of " + PG_PROGRAMS
                                            + " (Debian: apt-get install postgresql-15, or set PGROUTER_TESTKIT_PATRONI_PG_BIN)"));
        } catch (IOException e) {
            throw new ProviderUnavailableException("cannot list " + DEBIAN_POSTGRESQL + ": " + e.getMessage(), e);
        }
    }

    private static List<String> missingPrograms(Path bin) {
        return PG_PROGRAMS.stream()
                .filter(p -> !Files.isExecutable(bin.resolve(p)))
                .toList();
    }
}
