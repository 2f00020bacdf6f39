package io.pgrouter.benchmarks.connection;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Peer;
import io.pgrouter.benchmarks.Peers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of taking a connection (and running {@code SELECT 1} on it) through each data source, one thread.
 * Launched by {@link ConnectionPathEntry}, which starts the cluster and passes its {@link Endpoints} to the forks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConnectionPathBenchmark {

    // The paths; pgrouter-read and spring-read say "read" with setReadOnly(true) before first use, as their users must.
    static final String HIKARI = "hikari-primary";
    static final String PGROUTER_WRITE = "pgrouter-write";
    static final String PGROUTER_READ = "pgrouter-read";
    static final String SPRING_WRITE = "spring-write";
    static final String SPRING_READ = "spring-read";
    static final String PGJDBC_READ = "pgjdbc-preferSecondary";

    @Param({HIKARI, PGROUTER_WRITE, PGROUTER_READ, SPRING_WRITE, SPRING_READ, PGJDBC_READ})
    public String path;

    /** {@code stub}: pools over {@link io.pgrouter.benchmarks.stub.StubDriver}; {@code postgres}: the real servers. */
    @Param({"stub", "postgres"})
    public String backend;

    private Peer peer;
    private DataSource dataSource;
    private boolean readIntent;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Endpoints endpoints = Endpoints.fromSystemProperties();
        // Pools of 2: one benchmark thread never needs more; equal everywhere.
        Peers peers = backend.equals("stub") ? Peers.stubbed(endpoints, 2) : Peers.of(endpoints, 2);
        peer = switch (path) {
            case HIKARI -> peers.hikariOnPrimary();
            case PGROUTER_WRITE, PGROUTER_READ -> peers.pgrouter(Duration.ofMillis(500), b -> {});
            case SPRING_WRITE, SPRING_READ -> peers.springRouting();
            case PGJDBC_READ -> peers.pgjdbcMultiHost("preferSecondary", 10);
            default -> throw new IllegalArgumentException("unknown path " + path);
        };
        dataSource = peer.dataSource();
        readIntent = path.equals(PGROUTER_READ) || path.equals(SPRING_READ);
        if (dataSource instanceof RoutingDataSource router) {
            awaitRoutes(router);
        }
    }

    /**
     * Waits until a read reaches the replica and a write the primary: otherwise the read path would measure the
     * fallback to the primary. Fails the trial after 30 s rather than report the wrong path.
     */
    private void awaitRoutes(RoutingDataSource router) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!router.status().replicas().get(0).eligible()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the replica never became eligible: " + router.status().toJson());
            }
            Thread.sleep(50);
        }
        selectOne();
        String expected = readIntent ? "replica-1" : "primary";
        if (router.status().node(expected).totalRoutes() == 0) {
            throw new IllegalStateException(
                    path + " did not reach " + expected + ": " + router.status().toJson());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        peer.close();
    }

    @Benchmark
    public Connection getConnectionClose() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (readIntent) {
                c.setReadOnly(true);
            }
            return c;
        }
    }

    @Benchmark
    public int selectOne() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (readIntent) {
                c.setReadOnly(true);
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
