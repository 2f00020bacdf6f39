package io.pgrouter.testkit;

import static io.pgrouter.testkit.StreamingIT.execute;
import static io.pgrouter.testkit.StreamingIT.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.LogicalReplication.TableLock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logical replication from PostgreSQL 15 to 18 (and 16 to 18), two independent clusters in one JVM, and each fault
 * the kit offers. Every test has tables and a subscription of its own on the two shared clusters.
 */
class LogicalReplicationIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static UpgradePair clusters;
    private static ReplicaSet pg15;
    private static ReplicaSet pg18;

    @BeforeAll
    static void startTwoClustersOfDifferentVersions() {
        clusters = UpgradePair.start("15", "18", "shop");
        pg15 = clusters.source();
        pg18 = clusters.target();
    }

    @AfterAll
    static void stopThem() {
        if (clusters != null) {
            clusters.close();
        }
    }

    private static String schema(String prefix) {
        return "CREATE TABLE " + prefix + "_orders(id serial PRIMARY KEY, customer text NOT NULL);"
                + "CREATE TABLE " + prefix + "_items(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " order_id int NOT NULL, sku text);";
    }

    @Test
    void bothClustersRunTheirOwnVersionAndOnlyTheSourceWritesLogicalWal() throws SQLException {
        assertThat(query(source(), "SHOW server_version_num")).startsWith("15");
        assertThat(query(target(), "SHOW server_version_num")).startsWith("18");
        assertThat(query(source(), "SHOW wal_level")).isEqualTo("logical");
        assertThat(query(target(), "SHOW wal_level")).isEqualTo("replica");
        assertThat(pg15.primary().port()).isNotEqualTo(pg18.primary().port());
    }

    @Test
    void copiesExistingRowsThenStreamsNewOnes() throws SQLException {
        execute(source(), schema("copy"));
        execute(source(), "INSERT INTO copy_orders(customer) SELECT 'c' || g FROM generate_series(1, 500) g");
        // The schema exists on the source already; the helper runs the DDL only where the table is missing.
        try (LogicalReplication replication = LogicalReplication.from(pg15)
                .to(pg18)
                .name("copy_test")
                .schema("CREATE TABLE IF NOT EXISTS copy_orders(id serial PRIMARY KEY, customer text NOT NULL);"
                        + "CREATE TABLE IF NOT EXISTS copy_items(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " order_id int NOT NULL, sku text);")
                .tables("copy_orders", "copy_items")
                .start()) {
            assertThat(replication.tableStates()).isEqualTo("copy_items=r, copy_orders=r");
            assertThat(query(target(), "SELECT count(*) FROM copy_orders")).isEqualTo("500");

            execute(source(), "INSERT INTO copy_items(order_id, sku) SELECT g, 'sku' FROM generate_series(1, 20) g");
            replication.awaitCaughtUp(DEADLINE);
            assertThat(query(target(), "SELECT count(*) FROM copy_items")).isEqualTo("20");
            assertThat(query(source(), "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'copy_test'"))
                    .isEqualTo("2");
        }
        assertThat(query(target(), "SELECT count(*) FROM pg_subscription WHERE subname = 'copy_test'"))
                .isEqualTo("0");
        assertThat(query(source(), "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%copy_test%'"))
                .isEqualTo("0");
        assertThat(query(source(), "SELECT count(*) FROM pg_publication WHERE pubname = 'copy_test'"))
                .isEqualTo("0");
    }

    @Test
    void aDisabledSubscriptionHoldsChangesBackUntilEnabled() throws SQLException {
        try (LogicalReplication replication = LogicalReplication.from(pg15)
                .to(pg18)
                .name("disable_test")
                .schema(schema("disable"))
                .tables("disable_orders")
                .start()) {
            replication.disable();
            assertThat(replication.applyWorkerPid()).isEqualTo(-1);
            assertThat(query(target(), "SELECT subenabled FROM pg_subscription WHERE subname = 'disable_test'"))
                    .isEqualTo("f");
            execute(source(), "INSERT INTO disable_orders(customer) VALUES ('while disabled')");
            assertThatThrownBy(() -> replication.awaitCaughtUp(Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("disable_test");
            assertThat(query(target(), "SELECT count(*) FROM disable_orders")).isEqualTo("0");

            replication.enable();
            replication.awaitCaughtUp(DEADLINE);
            assertThat(query(target(), "SELECT customer FROM disable_orders")).isEqualTo("while disabled");
        }
    }

    @Test
    void aTerminatedApplyWorkerIsReplacedByTheLauncher() throws SQLException {
        try (LogicalReplication replication = LogicalReplication.from(pg15)
                .to(pg18)
                .name("terminate_test")
                .schema(schema("terminate"))
                .tables("terminate_orders")
                .start()) {
            long first = replication.terminateApplyWorker();
            await().atMost(DEADLINE)
                    .until(() -> replication.applyWorkerPid() > 0 && replication.applyWorkerPid() != first);
            execute(source(), "INSERT INTO terminate_orders(customer) VALUES ('after restart')");
            replication.awaitCaughtUp(DEADLINE);
            assertThat(query(target(), "SELECT count(*) FROM terminate_orders")).isEqualTo("1");
        }
    }

    @Test
    void aFrozenApplyWorkerConfirmsNothingWhileTheSourceMovesOn() throws SQLException {
        try (LogicalReplication replication = LogicalReplication.from(pg15)
                .to(pg18)
                .name("freeze_test")
                .schema(schema("freeze"))
                .tables("freeze_orders")
                .start()) {
            replication.awaitCaughtUp(DEADLINE);
            replication.freezeApplyWorker();
            String confirmed = confirmedFlush("freeze_test");
            for (int i = 0; i < 5; i++) {
                execute(source(), "INSERT INTO freeze_orders(customer) VALUES ('frozen " + i + "')");
            }
            assertThatThrownBy(() -> replication.awaitCaughtUp(Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(confirmedFlush("freeze_test")).isEqualTo(confirmed);
            assertThat(replication.applyWorkerPid())
                    .as("the worker is still there, only hung")
                    .isPositive();
            assertThat(query(target(), "SELECT count(*) FROM freeze_orders")).isEqualTo("0");

            replication.thawApplyWorker();
            replication.awaitCaughtUp(DEADLINE);
            assertThat(query(target(), "SELECT count(*) FROM freeze_orders")).isEqualTo("5");
        }
    }

    @Test
    void aLockOnTheTargetKeepsATableInItsCopy() throws SQLException {
        execute(source(), schema("locked"));
        execute(source(), "INSERT INTO locked_orders(customer) SELECT 'c' || g FROM generate_series(1, 100) g");
        execute(target(), schema("locked"));
        try (LogicalReplication replication = LogicalReplication.from(pg15)
                .to(pg18)
                .name("lock_test")
                .tables("locked_orders", "locked_items")
                .enabled(false)
                .create()) {
            assertThat(replication.tableStates()).isEqualTo("locked_items=i, locked_orders=i");
            try (TableLock lock = replication.lockOnTarget("locked_orders")) {
                replication.enable();
                // The other table finishes; the locked one is stuck in its copy for as long as the lock is held.
                await().atMost(DEADLINE).until(() -> replication.tableStates().startsWith("locked_items=r"));
                assertThat(replication.tableStates()).matches("locked_items=r, locked_orders=[id]");
            }
            replication.awaitReady(DEADLINE);
            assertThat(query(target(), "SELECT count(*) FROM locked_orders")).isEqualTo("100");
        }
    }

    @Test
    void aDroppedSlotStopsTheStream() throws SQLException {
        try (LogicalReplication replication = LogicalReplication.from(pg15)
                .to(pg18)
                .name("slot_test")
                .schema(schema("slot"))
                .tables("slot_orders")
                .start()) {
            replication.dropSlot();
            assertThat(query(source(), "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'slot_test'"))
                    .isEqualTo("0");
            execute(source(), "INSERT INTO slot_orders(customer) VALUES ('never arrives')");
            // The subscription stays enabled and keeps trying; nothing arrives.
            await().during(Duration.ofSeconds(2)).atMost(DEADLINE).until(count(target(), "slot_orders"), "0"::equals);
            assertThat(query(target(), "SELECT subenabled FROM pg_subscription WHERE subname = 'slot_test'"))
                    .isEqualTo("t");
        }
        assertThat(query(target(), "SELECT count(*) FROM pg_subscription WHERE subname = 'slot_test'"))
                .isEqualTo("0");
    }

    @Test
    void copiesAndStreamsFrom16To18() throws SQLException {
        try (ReplicaSet pg16 = PostgresReplicaSet.builder()
                .version("16")
                .replicas(0)
                .database("shop")
                .logicalReplication(true)
                .start()) {
            execute(pg16.primary().dataSource(), schema("v16"));
            execute(
                    pg16.primary().dataSource(),
                    "INSERT INTO v16_orders(customer) SELECT 'c' || g FROM generate_series(1, 300) g");
            try (LogicalReplication replication = LogicalReplication.from(pg16)
                    .to(pg18)
                    .name("v16_test")
                    .schema(schema("v16").replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
                    .start()) {
                execute(pg16.primary().dataSource(), "INSERT INTO v16_items(order_id, sku) VALUES (1, 'x')");
                replication.awaitCaughtUp(DEADLINE);
                assertThat(query(target(), "SELECT count(*) FROM v16_orders")).isEqualTo("300");
                assertThat(query(target(), "SELECT count(*) FROM v16_items")).isEqualTo("1");
            }
        }
    }

    @Test
    void aSourceWithoutLogicalWalIsRefusedWithTheFix() {
        assertThatThrownBy(() -> LogicalReplication.from(pg18).to(pg15).create())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wal_level=replica")
                .hasMessageContaining("logicalReplication(true)");
    }

    private static String confirmedFlush(String slot) throws SQLException {
        return query(source(), "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }

    private static Callable<String> count(DataSource ds, String table) {
        return () -> query(ds, "SELECT count(*) FROM " + table);
    }

    private static DataSource source() {
        return pg15.primary().dataSource();
    }

    private static DataSource target() {
        return pg18.primary().dataSource();
    }
}
