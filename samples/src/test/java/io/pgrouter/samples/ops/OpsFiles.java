package io.pgrouter.samples.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's {@code ops/} directory is, seen from a module's tests. */
final class OpsFiles {

    private OpsFiles() {}

    /** The {@code ops/} directory of the repository the tests run in (Maven runs them in the module's directory). */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("ops/prometheus"))) {
                return dir.resolve("ops");
            }
        }
        throw new IllegalStateException("no ops/prometheus above " + Path.of("").toAbsolutePath());
    }

    static Path rules() {
        return root().resolve("prometheus/pgrouter-rules.yml");
    }

    static Path dashboard() {
        return root().resolve("grafana/pgrouter-dashboard.json");
    }
}
