package io.pgrouter.samples;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The main job: starts an embedded PostgreSQL primary with a streaming replica and shows what runs.
 *
 * <p>For now it prints the nodes, their URLs and the replication state, proves that a row written on the
 * primary is read on the replica, and stops everything. Options: {@code --replicas N} (default 1),
 * {@code --version V} (default 18).
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws SQLException {
        int replicas = 1;
        String version = PostgresReplicaSet.DEFAULT_VERSION;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--replicas" -> replicas = Integer.parseInt(value(args, ++i, "--replicas"));
                case "--version" -> version = value(args, ++i, "--version");
                case "--help", "-h" -> {
                    System.out.println("usage: Demo [--replicas N] [--version 15|16|17|18]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; try --help");
            }
        }
        long started = System.nanoTime();
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(replicas).version(version).start()) {
            System.out.printf("%nPostgreSQL %d primary + %d streaming replica(s) started in %d ms (%s binaries)%n%n",
                    cluster.majorVersion(), cluster.replicas().size(), (System.nanoTime() - started) / 1_000_000, cluster.provider());
            System.out.printf("%-10s %-8s %-6s %-45s %s%n", "node", "role", "port", "JDBC URL", "in recovery");
            for (PostgresNode node : cluster.nodes()) {
                System.out.printf("%-10s %-8s %-6d %-45s %s%n", node.name(), node.role(), node.port(), node.jdbcUrl(),
                        query(node, "SELECT pg_is_in_recovery()"));
            }

            execute(cluster.primary(), "CREATE TABLE demo(id int PRIMARY KEY, written_at timestamptz DEFAULT now())");
            execute(cluster.primary(), "INSERT INTO demo(id) VALUES (1)");
            cluster.awaitReplicated(Duration.ofSeconds(30));

            System.out.printf("%nReplication as the primary sees it (pg_stat_replication):%n");
            System.out.printf("%-10s %-10s %-12s %-12s %s%n", "replica", "state", "sent", "replayed", "lag bytes");
            try (Connection c = cluster.primary().dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT application_name, state, sent_lsn, replay_lsn, "
                         + "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication ORDER BY 1")) {
                while (rs.next()) {
                    System.out.printf("%-10s %-10s %-12s %-12s %s%n", rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
                }
            }
            for (PostgresNode replica : cluster.replicas()) {
                System.out.printf("%nRow written on the primary, read on %s: id=%s%n", replica.name(),
                        query(replica, "SELECT id FROM demo WHERE id = 1"));
            }
            System.out.printf("%nStopping the cluster.%n");
        }
        System.out.println("Done: every server stopped and its directory removed.");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void execute(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
