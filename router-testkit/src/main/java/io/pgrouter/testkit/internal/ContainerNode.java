package io.pgrouter.testkit.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.pgrouter.testkit.NetworkFaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL server in a Docker container ({@code postgres:<major>}, or {@code PGROUTER_TESTKIT_IMAGE}).
 *
 * <p>Each node keeps one host port for its whole life, bound on 127.0.0.1, so that a stopped and started node is
 * reachable at the same URL. A replica is made by {@code pg_basebackup} from its upstream over the replica set's
 * Docker network. Fault controls map onto the engine: stop, start, kill, pause and unpause the container.
 */
final class ContainerNode extends AbstractNode {

    private static final int PG_PORT = 5432;
    private static final String PGDATA = "/var/lib/postgresql/pgdata";

    private final ReplicaSetSpec spec;
    private final Network network;
    private final int hostPort;
    private final DataSource dataSource;
    private final DataSource adminDataSource;
    private volatile GenericContainer<?> container;

    ContainerNode(String name, Role role, int hostPort, Network network, ReplicaSetSpec spec) {
        super(name, role);
        this.spec = spec;
        this.network = network;
        this.hostPort = hostPort;
        this.dataSource = Sql.dataSource(host(), hostPort, spec.database(), spec.user(), spec.password());
        this.adminDataSource = Sql.dataSource(host(), hostPort, "postgres", spec.user(), spec.password());
    }

    static String image(ReplicaSetSpec spec) {
        String configured = KitSettings.get("pgrouter.testkit.image", "PGROUTER_TESTKIT_IMAGE");
        return configured != null ? configured : "postgres:" + spec.version().major();
    }

    /** Starts this node as a new primary. */
    void startAsPrimary() {
        PostgreSQLContainer primary = new PostgreSQLContainer(image(spec))
                .withDatabaseName(spec.database())
                .withUsername(spec.user())
                .withPassword(spec.password());
        primary.withEnv("PGDATA", PGDATA)
                .withCopyToContainer(
                        Transferable.of(
                                "#!/bin/bash\necho 'host replication all all scram-sha-256' >> \"$PGDATA/pg_hba.conf\"\n",
                                0755),
                        "/docker-entrypoint-initdb.d/10-replication.sh")
                .withCommand(serverArgs().toArray(String[]::new));
        launch(primary);
    }

    /** Starts this node as a streaming replica of {@code upstream}, copied with pg_basebackup. */
    void startAsReplicaOf(ContainerNode upstream) {
        String slot = ServerConfig.slotName(name());
        String conninfo = ServerConfig.primaryConninfo(upstream.name(), PG_PORT, spec.user(), spec.password(), name());
        String script = String.join(
                "\n",
                "set -e",
                "mkdir -p " + PGDATA + " && chown postgres:postgres " + PGDATA + " && chmod 700 " + PGDATA,
                "if [ ! -s " + PGDATA + "/PG_VERSION ]; then",
                "  until gosu postgres pg_basebackup -h " + upstream.name() + " -p " + PG_PORT + " -U " + spec.user()
                        + " -D " + PGDATA + " -X stream -c fast; do sleep 1; done",
                "  echo " + shellQuote(ServerConfig.confLine("primary_conninfo", conninfo)) + " >> " + PGDATA
                        + "/postgresql.auto.conf",
                "  echo " + shellQuote(ServerConfig.confLine("primary_slot_name", slot)) + " >> " + PGDATA
                        + "/postgresql.auto.conf",
                "  touch " + PGDATA + "/standby.signal && chown -R postgres:postgres " + PGDATA,
                "fi",
                "exec gosu postgres postgres -D " + PGDATA + " "
                        + serverArgs().stream()
                                .map(ContainerNode::shellQuote)
                                .collect(java.util.stream.Collectors.joining(" ")));
        GenericContainer<?> replica = new GenericContainer<>(image(spec))
                .withEnv("PGPASSWORD", spec.password())
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("bash", "-c", script))
                .waitingFor(Wait.forLogMessage(".*ready to accept read-only connections.*", 1)
                        .withStartupTimeout(spec.startupTimeout()));
        launch(replica);
    }

    private void launch(GenericContainer<?> c) {
        c.withNetwork(network)
                .withNetworkAliases(name())
                .withExposedPorts(PG_PORT)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withPortBindings(new PortBinding(
                                Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(PG_PORT))))
                .withStartupTimeout(spec.startupTimeout());
        container = c;
        c.start();
    }

    private List<String> serverArgs() {
        List<String> args = new ArrayList<>();
        Map<String, String> settings = ServerConfig.common(spec.settings());
        settings.put("listen_addresses", "*");
        settings.forEach((k, v) -> {
            args.add("-c");
            args.add(k + "=" + v);
        });
        return args;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private String id() {
        GenericContainer<?> c = container;
        if (c == null || c.getContainerId() == null) {
            throw new IllegalStateException("Node " + name() + " has no container");
        }
        return c.getContainerId();
    }

    @Override
    NetworkFaults networkFaults() {
        return null;
    }

    @Override
    String database() {
        return spec.database();
    }

    @Override
    DataSource adminDataSource() {
        return adminDataSource;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public boolean isRunning() {
        GenericContainer<?> c = container;
        if (c == null || c.getContainerId() == null) {
            return false;
        }
        Boolean running = docker().inspectContainerCmd(c.getContainerId())
                .exec()
                .getState()
                .getRunning();
        return Boolean.TRUE.equals(running);
    }

    @Override
    public void stop() {
        if (isRunning()) {
            thaw();
            docker().stopContainerCmd(id()).withTimeout(30).exec();
        }
    }

    @Override
    public void start() {
        if (isRunning()) {
            return;
        }
        docker().startContainerCmd(id()).exec();
        awaitAcceptingConnections(spec.startupTimeout());
    }

    @Override
    public void kill() {
        if (isRunning()) {
            docker().killContainerCmd(id()).withSignal("KILL").exec();
        }
    }

    @Override
    public void freeze() {
        docker().pauseContainerCmd(id()).exec();
    }

    @Override
    public void thaw() {
        Boolean paused = docker().inspectContainerCmd(id()).exec().getState().getPaused();
        if (Boolean.TRUE.equals(paused)) {
            docker().unpauseContainerCmd(id()).exec();
        }
    }

    /** Leaves this running replica a hot standby with no upstream: PostgreSQL stops its WAL receiver on reload. */
    void detach() {
        Sql.execute(adminDataSource, "ALTER SYSTEM SET primary_conninfo = ''");
        Sql.execute(adminDataSource, "SELECT pg_reload_conf()");
    }

    /** Points this running replica at another upstream; PostgreSQL restarts its WAL receiver on reload. */
    void follow(ContainerNode upstream) {
        String conninfo = ServerConfig.primaryConninfo(upstream.name(), PG_PORT, spec.user(), spec.password(), name());
        Sql.execute(adminDataSource, "ALTER SYSTEM SET primary_conninfo = '" + conninfo.replace("'", "''") + "'");
        Sql.execute(adminDataSource, "SELECT pg_reload_conf()");
    }

    /** Removes the container; a later {@link #startAsReplicaOf} makes a fresh one on the same host port. */
    void remove() {
        GenericContainer<?> c = container;
        if (c != null) {
            c.stop();
            container = null;
        }
    }

    @Override
    String diagnostics() {
        GenericContainer<?> c = container;
        if (c == null) {
            return "";
        }
        String logs = c.getLogs();
        String[] lines = logs.split("\n");
        return ". Last container log lines:\n"
                + String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
