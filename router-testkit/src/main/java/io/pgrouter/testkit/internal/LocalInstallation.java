package io.pgrouter.testkit.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds PostgreSQL installed on the machine: {@code PG_BIN}, else the directory {@code pg_config --bindir} names. */
public final class LocalInstallation {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private LocalInstallation() {}

    /**
     * The local installation's binaries of the major version asked for.
     *
     * @throws ProviderUnavailableException saying what was found instead
     */
    public static PostgresBinaries find(int major) {
        Path bin = binDir();
        for (String program : List.of("initdb", "postgres")) {
            if (!Files.isExecutable(bin.resolve(program))) {
                throw new ProviderUnavailableException("no executable " + program + " in " + bin);
            }
        }
        String out = Commands.output(
                List.of(bin.resolve("postgres").toString(), "--version"), "ask " + bin + "/postgres for its version");
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new ProviderUnavailableException(bin + "/postgres --version printed no version: " + out.strip());
        }
        int found = Integer.parseInt(m.group(1));
        if (found != major) {
            throw new ProviderUnavailableException(
                    "the local installation in " + bin + " is PostgreSQL " + found + ", not " + major);
        }
        return new PostgresBinaries(bin, found, "local installation " + bin);
    }

    private static Path binDir() {
        String pgBin = KitSettings.get("pgrouter.testkit.pg-bin", "PG_BIN");
        if (pgBin != null) {
            return Path.of(pgBin);
        }
        if (!Commands.onPath("pg_config")) {
            throw new ProviderUnavailableException("PG_BIN is not set and pg_config is not on the PATH");
        }
        return Path.of(Commands.output(List.of("pg_config", "--bindir"), "ask pg_config for the binary directory")
                .trim());
    }
}
