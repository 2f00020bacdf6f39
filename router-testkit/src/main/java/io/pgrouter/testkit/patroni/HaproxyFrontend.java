package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.BackgroundProcess;
import io.pgrouter.testkit.internal.Cleanup;
import io.pgrouter.testkit.internal.Commands;
import io.pgrouter.testkit.internal.FreePorts;
import io.pgrouter.testkit.internal.KitSettings;
import io.pgrouter.testkit.internal.RunDirectory;
import io.pgrouter.testkit.internal.ServerUser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy in front of a {@link PatroniCluster}, configured as Patroni's documentation recommends: a primary port whose
 * backends are checked with {@code OPTIONS /primary} on each member's REST API, a replica port checked with
 * {@code OPTIONS /replica} (round robin), {@code inter 3s fall 3 rise 2 on-marked-down shutdown-sessions}. The usual
 * stack that pgrouter is compared with: after a leader change HAProxy routes writes to the new leader once its checks
 * have seen it up ({@code rise} checks) and the old one down ({@code fall} checks).
 *
 * <p>The servers are the members at {@link #start} time; a member added later is not among them. It runs Debian's
 * {@code haproxy} (on the PATH, or {@code PGROUTER_TESTKIT_HAPROXY}) on free ports of 127.0.0.1, as the kit's
 * unprivileged user when the JVM is root, and is cleaned up like the kit's clusters.
 */
public final class HaproxyFrontend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaproxyFrontend.class);
    /** Patroni's documentation: check every 3 s, down after 3 failed checks, up after 2 good ones. */
    public static final Duration RECOMMENDED_CHECK_INTERVAL = Duration.ofSeconds(3);

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path runDir;
    private final BackgroundProcess process;
    private final int primaryPort;
    private final int replicaPort;
    private final URI statsUrl;
    private final String database;
    private final PatroniRest http = new PatroniRest();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HaproxyFrontend(
            Path runDir, BackgroundProcess process, int primaryPort, int replicaPort, URI statsUrl, String database) {
        this.runDir = runDir;
        this.process = process;
        this.primaryPort = primaryPort;
        this.replicaPort = replicaPort;
        this.statsUrl = statsUrl;
        this.database = database;
    }

    /** Why HAProxy cannot start here ({@code haproxy} not found), or {@code null} when it can. */
    public static String unavailableReason() {
        try {
            haproxy();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private static Path haproxy() {
        String configured = KitSettings.get("pgrouter.testkit.haproxy", "PGROUTER_TESTKIT_HAPROXY");
        if (configured != null) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new IllegalStateException("pgrouter.testkit.haproxy / PGROUTER_TESTKIT_HAPROXY names "
                        + configured + ", which is not an executable file");
            }
            return Path.of(configured);
        }
        // Debian installs it in /usr/sbin, which a normal user's PATH may lack.
        return Commands.locate("haproxy")
                .or(() -> Optional.of(Path.of("/usr/sbin/haproxy")).filter(Files::isExecutable))
                .orElseThrow(() -> new IllegalStateException("'haproxy' is not on the PATH nor in /usr/sbin"
                        + " (Debian: apt-get install haproxy, or set PGROUTER_TESTKIT_HAPROXY)"));
    }

    /** Starts HAProxy with the recommended checks ({@link #RECOMMENDED_CHECK_INTERVAL}) in front of every member now listed. */
    public static HaproxyFrontend start(PatroniCluster cluster) {
        return start(cluster, RECOMMENDED_CHECK_INTERVAL);
    }

    /**
     * Starts HAProxy in front of every member {@code cluster} lists now, checking each every {@code checkInterval}
     * (down after 3 failed checks, up after 2 good ones), and waits until it routes the primary port to the leader.
     *
     * @throws IllegalStateException when HAProxy is missing or does not come up within 60 s, with its log
     */
    public static HaproxyFrontend start(PatroniCluster cluster, Duration checkInterval) {
        Objects.requireNonNull(cluster, "cluster");
        if (checkInterval == null || checkInterval.toMillis() < 1) {
            throw new IllegalArgumentException("checkInterval must be at least 1 ms, but was " + checkInterval);
        }
        Path haproxy = haproxy();
        ServerUser user = ServerUser.detect();
        List<PatroniMember> members = cluster.members();
        Path runDir = RunDirectory.create();
        int primaryPort = FreePorts.next();
        int replicaPort = FreePorts.next();
        int statsPort = FreePorts.next();
        Path config = runDir.resolve("haproxy.cfg");
        try {
            Files.writeString(
                    config,
                    configuration(members, primaryPort, replicaPort, statsPort, checkInterval),
                    StandardCharsets.UTF_8);
            user.own(config);
        } catch (IOException e) {
            RunDirectory.delete(runDir);
            throw new IllegalStateException("Cannot write " + config + ": " + e.getMessage(), e);
        }
        // -db: stay in the foreground, so that the kit owns the process; no daemon, no master-worker.
        BackgroundProcess process = BackgroundProcess.start(
                "haproxy",
                List.of(haproxy.toString(), "-db", "-f", config.toString()),
                Map.of(),
                runDir.resolve("haproxy.log"),
                user,
                runDir);
        HaproxyFrontend frontend = new HaproxyFrontend(
                runDir,
                process,
                primaryPort,
                replicaPort,
                URI.create("http://" + FreePorts.HOST + ":" + statsPort + "/"),
                cluster.database());
        Cleanup.register(frontend);
        try {
            PatroniMember leader = cluster.leader();
            frontend.awaitPrimary(leader.name(), STARTUP_TIMEOUT);
            log.info(
                    "HAProxy in front of Patroni cluster {}: primary port {}, replica port {}, checks every {} ms",
                    cluster.scope(),
                    primaryPort,
                    replicaPort,
                    checkInterval.toMillis());
            return frontend;
        } catch (RuntimeException e) {
            frontend.close();
            throw e;
        }
    }

    /** The configuration; each server is named after its member. */
    static String configuration(
            List<PatroniMember> members, int primaryPort, int replicaPort, int statsPort, Duration checkInterval) {
        List<String> lines = new ArrayList<>(List.of(
                "# Written by the pgrouter test kit: Patroni's recommended HAProxy configuration",
                "global",
                "    maxconn 100",
                "defaults",
                "    mode tcp",
                "    retries 2",
                "    timeout client 30m",
                "    timeout connect 4s",
                "    timeout server 30m",
                "    timeout check 5s",
                "listen stats",
                "    mode http",
                "    bind " + FreePorts.HOST + ":" + statsPort,
                "    stats enable",
                "    stats uri /"));
        listen(lines, "primary", primaryPort, "/primary", members, checkInterval);
        listen(lines, "replicas", replicaPort, "/replica", members, checkInterval);
        return String.join("\n", lines) + "\n";
    }

    private static void listen(
            List<String> lines,
            String name,
            int port,
            String check,
            List<PatroniMember> members,
            Duration checkInterval) {
        lines.add("listen " + name);
        lines.add("    bind " + FreePorts.HOST + ":" + port);
        lines.add("    balance roundrobin");
        lines.add("    option httpchk OPTIONS " + check);
        lines.add("    http-check expect status 200");
        lines.add("    default-server inter " + checkInterval.toMillis()
                + "ms fall 3 rise 2 on-marked-down shutdown-sessions");
        for (PatroniMember m : members) {
            lines.add("    server " + m.name() + " " + m.host() + ":" + m.pgPort() + " maxconn 100 check port "
                    + m.restUrl().getPort());
        }
    }

    /** The port that leads to the leader. */
    public int primaryPort() {
        return primaryPort;
    }

    /** The port that leads to the replicas, round robin. */
    public int replicaPort() {
        return replicaPort;
    }

    /** A JDBC URL through the primary port. */
    public String primaryJdbcUrl() {
        return "jdbc:postgresql://" + FreePorts.HOST + ":" + primaryPort + "/" + database;
    }

    /** A JDBC URL through the replica port. */
    public String replicaJdbcUrl() {
        return "jdbc:postgresql://" + FreePorts.HOST + ":" + replicaPort + "/" + database;
    }

    /**
     * The members HAProxy's checks find up behind the primary port now, from its statistics page.
     *
     * @throws IllegalStateException when the statistics page does not answer
     */
    public List<String> primaryServersUp() {
        return serversUp("primary");
    }

    /** As {@link #primaryServersUp()}, behind the replica port. */
    public List<String> replicaServersUp() {
        return serversUp("replicas");
    }

    private List<String> serversUp(String proxy) {
        String csv = http.get(statsUrl.resolve("/;csv"))
                .filter(r -> r.status() == 200)
                .map(PatroniRest.Response::body)
                .orElseThrow(() -> new IllegalStateException(
                        "HAProxy's statistics page " + statsUrl + " does not answer. " + process.logTail()));
        List<String> up = new ArrayList<>();
        for (String line : csv.split("\n")) {
            // pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,...
            String[] f = line.split(",", -1);
            if (f.length > 17
                    && f[0].equals(proxy)
                    && !f[1].equals("FRONTEND")
                    && !f[1].equals("BACKEND")
                    && f[17].startsWith("UP")) {
                up.add(f[1]);
            }
        }
        return List.copyOf(up);
    }

    /**
     * Waits until HAProxy's checks find exactly {@code member} up behind the primary port, that is until writes
     * through {@link #primaryPort()} reach it.
     *
     * @throws IllegalStateException after {@code timeout}, with the servers up then
     */
    public void awaitPrimary(String member, Duration timeout) {
        Await.until(
                timeout,
                "HAProxy to route its primary port to " + member + " alone",
                () -> {
                    String exit = process.exitDescription();
                    if (exit != null) {
                        throw new IllegalStateException(exit + ". " + process.logTail());
                    }
                    return http.get(statsUrl.resolve("/;csv")).isPresent()
                            && primaryServersUp().equals(List.of(member));
                },
                () -> "Servers up behind the primary port: "
                        + (process.isAlive() ? primaryServersUp() : "(HAProxy exited)"));
    }

    /** Kills HAProxy and deletes its directory; repeated calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                process.kill();
                RunDirectory.delete(runDir);
            } finally {
                Cleanup.unregister(this);
            }
        }
    }

    @Override
    public String toString() {
        return "HaproxyFrontend[primary port " + primaryPort + ", replica port " + replicaPort + "]";
    }
}
