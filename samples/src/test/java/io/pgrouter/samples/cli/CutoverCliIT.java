package io.pgrouter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.UpgradePair;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code readiness} and {@code cutover} commands on a real PostgreSQL 15 source replicated to 18: the light is
 * GREEN, a dry run changes nothing, the cutover completes and leaves the source read-only with its rows on the target.
 */
class CutoverCliIT {

    // Run on both sides: the rows go to the source only, after, or the target's copy would meet them.
    private static final String DDL = "CREATE TABLE orders(id serial PRIMARY KEY, customer text NOT NULL)";

    @TempDir
    Path dir;

    @Test
    void readinessThenADryRunThenTheCutover() throws Exception {
        try (UpgradePair pair = UpgradePair.start("15", "18", "shop");
                LogicalReplication replication = LogicalReplication.from(pair.source())
                        .to(pair.target())
                        .name("shop_upgrade")
                        .schema(DDL)
                        .start()) {
            query(
                    pair.source().primary().dataSource(),
                    "WITH i AS (INSERT INTO orders(customer) SELECT 'c' || g FROM generate_series(1, 50) g RETURNING 1)"
                            + " SELECT count(*) FROM i");
            replication.awaitCaughtUp(Duration.ofSeconds(60));
            Path source = properties("source.properties", "pg15", pair.source());
            Path target = properties("target.properties", "pg18", pair.target());

            assertThat(run(new ReadinessCli(), "--config", source.toString(), "--to", target.toString()))
                    .isZero();
            assertThat(run(new CutoverCli(), "--config", source.toString(), "--to", target.toString(), "--dry-run"))
                    .isZero();
            assertThat(readOnly(pair.source().primary().dataSource())).isEqualTo("off");

            assertThat(run(new CutoverCli(), "--config", source.toString(), "--to", target.toString(), "--json"))
                    .isZero();
            assertThat(readOnly(pair.source().primary().dataSource())).isEqualTo("on");
            assertThat(query(pair.target().primary().dataSource(), "SELECT count(*) FROM orders"))
                    .isEqualTo("50");
            assertThat(query(
                            pair.target().primary().dataSource(),
                            "INSERT INTO orders(customer) VALUES ('after') RETURNING id"))
                    .as("past the source's keys and the margin")
                    .isEqualTo("1051");
        }
    }

    private static int run(Object command, String... args) {
        return new CommandLine(command).execute(args);
    }

    private Path properties(String file, String name, ReplicaSet set) throws IOException {
        Properties p = new Properties();
        p.setProperty("pgrouter.primary.name", name);
        p.setProperty("pgrouter.primary.url", set.primary().jdbcUrl());
        p.setProperty("pgrouter.primary.username", set.user());
        p.setProperty("pgrouter.primary.password", set.password());
        Path path = dir.resolve(file);
        try (Writer out = Files.newBufferedWriter(path)) {
            p.store(out, null);
        }
        return path;
    }

    private static String readOnly(DataSource ds) throws SQLException {
        return query(ds, "SELECT reset_val FROM pg_settings WHERE name = 'default_transaction_read_only'");
    }

    private static String query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
