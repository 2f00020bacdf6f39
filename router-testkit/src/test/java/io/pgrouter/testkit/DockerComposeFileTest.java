package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.internal.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.db.yml cannot run here (no Docker engine); this keeps its server settings the same as the
 * test kit's, so that the samples see the same replication behaviour against either.
 */
class DockerComposeFileTest {

    /** Settings the kit uses for speed in tests only: a real deployment keeps PostgreSQL's durable defaults. */
    private static final List<String> TEST_ONLY =
            List.of("fsync", "full_page_writes", "log_line_prefix", "wal_retrieve_retry_interval");

    @Test
    void composeServersRunWithTheTestKitsSettings() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docker-compose.db.yml"));
        Map<String, String> compose = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).trim().equals("- -c")) {
                String[] kv = lines.get(i + 1).trim().substring(2).split("=", 2);
                compose.put(kv[0], kv[1]);
            }
        }
        Map<String, String> kit = new LinkedHashMap<>(ServerConfig.common(Map.of()));
        TEST_ONLY.forEach(kit::remove);
        kit.put("listen_addresses", "*");

        assertThat(compose).isEqualTo(kit);
    }

    @Test
    void imageVersionIsPinned() throws IOException {
        String compose = Files.readString(Path.of("..", "docker-compose.db.yml"));
        assertThat(compose).containsPattern("image: postgres:\\d+\\.\\d+-");
    }
}
