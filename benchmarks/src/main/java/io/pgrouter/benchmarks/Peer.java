package io.pgrouter.benchmarks;

import io.pgrouter.RoutingDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * A data source under measurement (pgrouter or one of its peers) with the pools behind it, which {@link #close()}
 * closes.
 *
 * @param name the name the reports show ({@code pgrouter}, {@code spring-routing}, ...)
 * @param readsNeedIntent whether a read must say so ({@code setReadOnly(true)} before first use) to reach a replica
 */
public record Peer(String name, DataSource dataSource, boolean readsNeedIntent, List<AutoCloseable> resources)
        implements AutoCloseable {

    /** A connection for a read, marked as one where this peer needs it; not yet used. */
    public Connection readConnection() throws SQLException {
        Connection c = dataSource.getConnection();
        if (readsNeedIntent) {
            try {
                c.setReadOnly(true);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** Runs one read as this peer's users would and tells whether a replica answered it. */
    public boolean readOnReplica() throws SQLException {
        try (Connection c = readConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Waits until reads reach a replica (for pgrouter: until a probe found one eligible), so that a trial starts
     * from the steady state.
     *
     * @throws IllegalStateException after {@code timeout}
     */
    public void awaitReadsOnReplica(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no read yet";
        while (System.nanoTime() < deadline) {
            try {
                if ((!(dataSource instanceof RoutingDataSource router)
                                || !router.status().replicas().isEmpty()
                                        && router.status().replicas().get(0).eligible())
                        && readOnReplica()) {
                    return;
                }
                last = "reads still reach the primary";
            } catch (SQLException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + ": reads did not reach a replica within " + timeout + ": " + last);
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing " + name + ": " + e);
            }
        }
    }
}
