package io.pgrouter.benchmarks;

import io.pgrouter.benchmarks.report.RunReport;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/** What every entry shares: the mode (quick or full), the run's report, cluster start-up and progress output. */
public final class RunContext {

    private final boolean quick;
    private final RunReport run;
    private final long startedNanos = System.nanoTime();

    RunContext(boolean quick, RunReport run) {
        this.quick = quick;
        this.run = run;
    }

    /** Whether this is a {@code --quick} run: fewer trials, shorter windows. */
    public boolean quick() {
        return quick;
    }

    /** {@code full} trials in a full run, {@code quick} in a quick one. */
    public int trials(int full, int quick) {
        return this.quick ? quick : full;
    }

    /** {@code full} in a full run, {@code quick} in a quick one. */
    public Duration window(Duration full, Duration quick) {
        return this.quick ? quick : full;
    }

    /**
     * Starts a fresh primary with {@code replicas} streaming replicas from the test kit; the caller closes it. The
     * first one started records the PostgreSQL version in the run's machine info.
     */
    public ReplicaSet startCluster(int replicas) throws SQLException {
        return startCluster(PostgresReplicaSet.builder().replicas(replicas));
    }

    /** As {@link #startCluster(int)}, from a builder the entry set up (network faults, say). */
    public ReplicaSet startCluster(PostgresReplicaSet builder) throws SQLException {
        log("starting a PostgreSQL primary with replicas");
        ReplicaSet cluster = builder.start();
        try {
            if (!run.machine().containsKey("postgresql")) {
                try (Connection c = cluster.primary().dataSource().getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT version()")) {
                    rs.next();
                    run.machine("postgresql", rs.getString(1) + " (test kit provider: " + cluster.provider() + ")");
                }
            }
            return cluster;
        } catch (SQLException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Progress on standard error, prefixed with the seconds since the run started. */
    public void log(String format, Object... args) {
        System.err.printf(
                Locale.ROOT,
                "[bench %6.1fs] %s%n",
                (System.nanoTime() - startedNanos) / 1e9,
                String.format(Locale.ROOT, format, args));
    }
}
