package io.pgrouter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code switchover} command against a real primary and replica, configured by a properties file as against any
 * cluster: a dry run changes nothing, an unknown node is a usage error, a real run moves the primary, and a
 * switchover that cannot run (to the old primary, now fenced) exits non-zero naming the failed checks.
 */
@PostgresReplicaSet(replicas = 1, isolated = true)
class SwitchoverCommandIT {

    static ReplicaSet cluster;

    @TempDir
    Path dir;

    @Test
    void dryRunThenSwitchoverThenARefusedOne() throws Exception {
        Path config = config();
        PostgresNode replica = cluster.replica(0);

        Run dry = run("--config", config.toString(), "--to", replica.name(), "--dry-run");
        assertThat(dry.exit).as(dry.printed).isZero();
        assertThat(dry.printed).contains("result: DRY_RUN_PASSED").contains("PRECHECK");
        assertThat(inRecovery(replica)).isTrue();

        Run unknown = run("--config", config.toString(), "--to", "replica-9");
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(inRecovery(replica)).isTrue();

        Run real = run("--config", config.toString(), "--to", replica.name(), "--max-pause", "8s");
        assertThat(real.exit).as(real.printed).isZero();
        assertThat(real.printed).contains("result: COMPLETED").contains("OPEN_GATE");
        assertThat(inRecovery(replica)).isFalse();

        Run back = run("--config", config.toString(), "--to", "primary", "--json", "--wait", "1s");
        assertThat(back.exit).as(back.printed).isEqualTo(SwitchoverCommand.EXIT_NOT_DONE);
        assertThat(back.printed).contains("\"result\":\"checks_failed\"").contains("target-is-replica");
    }

    private Path config() throws IOException {
        Path file = dir.resolve("cluster.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "pgrouter.primary.url=" + cluster.primary().jdbcUrl(),
                        "pgrouter.primary.username=" + cluster.user(),
                        "pgrouter.primary.password=" + cluster.password(),
                        "pgrouter.replicas[0].name=" + cluster.replica(0).name(),
                        "pgrouter.replicas[0].url=" + cluster.replica(0).jdbcUrl(),
                        "pgrouter.probe.interval=200ms"));
        return file;
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = SwitchoverCommand.run(out, args);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        return new Run(exit, printed);
    }

    private record Run(int exit, String printed) {}

    private static boolean inRecovery(PostgresNode node) throws SQLException {
        try (Connection c = node.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
