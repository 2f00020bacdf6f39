package io.pgrouter.testkit.internal;

import java.nio.file.Path;

/**
 * A directory with the PostgreSQL server programs ({@code initdb}, {@code postgres}) of one version.
 *
 * @param binDir the directory holding the programs
 * @param major their major version
 * @param origin where they came from, for messages
 */
public record PostgresBinaries(Path binDir, int major, String origin) {

    /** The path of one program in {@link #binDir()}. */
    public String program(String name) {
        return binDir.resolve(name).toString();
    }
}
