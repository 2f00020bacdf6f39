package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.FreePorts;
import io.pgrouter.testkit.internal.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * One member's {@code patroni.yml}. It is written as JSON, which YAML reads as it is, so that no value needs YAML
 * quoting rules.
 */
final class PatroniConfig {

    /** Seconds a leader key lives without renewal: a killed leader is replaced after about this long. */
    static final int TTL_SECONDS = 8;
    /** Seconds between two runs of Patroni's HA loop. */
    static final int LOOP_WAIT_SECONDS = 1;
    /** Seconds Patroni retries etcd and PostgreSQL before it gives up; Patroni wants loop_wait + 2 * this <= ttl. */
    static final int RETRY_TIMEOUT_SECONDS = 3;

    static final String REPLICATION_USER = "replicator";

    private PatroniConfig() {}

    /**
     * The configuration of one member.
     *
     * @param cluster scope, namespace, etcd, credentials and programs shared by every member
     * @param member this member's name, ports and directories
     */
    static String render(Cluster cluster, Member member) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("scope", cluster.scope());
        config.put("namespace", "/pgrouter-testkit/");
        config.put("name", member.name());
        config.put("log", Map.of("level", "INFO"));
        String rest = FreePorts.HOST + ":" + member.restPort();
        config.put("restapi", Map.of("listen", rest, "connect_address", rest));
        config.put("etcd3", Map.of("hosts", cluster.etcdHostPort()));
        config.put("bootstrap", bootstrap());
        String pg = FreePorts.HOST + ":" + member.pgPort();
        Map<String, Object> postgresql = new LinkedHashMap<>();
        postgresql.put("listen", pg);
        postgresql.put("connect_address", pg);
        postgresql.put("data_dir", member.dataDir().toString());
        postgresql.put("bin_dir", cluster.pgBin().toString());
        postgresql.put("pgpass", member.pgpass().toString());
        postgresql.put(
                "authentication",
                Map.of(
                        "superuser", Map.of("username", cluster.user(), "password", cluster.password()),
                        "replication",
                                Map.of("username", REPLICATION_USER, "password", cluster.replicationPassword())));
        // No Unix socket: the default directory belongs to Debian's postgres user; everything goes over TCP.
        postgresql.put("parameters", Map.of("unix_socket_directories", ""));
        config.put("postgresql", postgresql);
        // There is no /dev/watchdog in a test machine or container.
        config.put("watchdog", Map.of("mode", "off"));
        config.put("tags", Map.of("nofailover", false, "noloadbalance", false, "clonefrom", false, "nosync", false));
        return JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(config);
    }

    /** What the first member writes to etcd as the cluster's dynamic configuration, and how it runs initdb. */
    private static Map<String, Object> bootstrap() {
        // The kit's replication settings; pg_rewind (for a former leader to rejoin) needs full_page_writes and
        // wal_log_hints, which the kit's plain replica sets turn off or leave off.
        Map<String, String> parameters = ServerConfig.common(Map.of("full_page_writes", "on", "wal_log_hints", "on"));
        Map<String, Object> dcs = new LinkedHashMap<>();
        dcs.put("ttl", TTL_SECONDS);
        dcs.put("loop_wait", LOOP_WAIT_SECONDS);
        dcs.put("retry_timeout", RETRY_TIMEOUT_SECONDS);
        dcs.put("maximum_lag_on_failover", 1_048_576);
        dcs.put("postgresql", Map.of("use_pg_rewind", true, "use_slots", true, "parameters", parameters));
        Map<String, Object> bootstrap = new LinkedHashMap<>();
        bootstrap.put("dcs", dcs);
        bootstrap.put("initdb", List.of(Map.of("encoding", "UTF8"), Map.of("locale", "C"), "no-sync"));
        bootstrap.put(
                "pg_hba",
                List.of(
                        "host replication " + REPLICATION_USER + " 127.0.0.1/32 scram-sha-256",
                        "host all all 127.0.0.1/32 scram-sha-256"));
        return bootstrap;
    }

    /**
     * What every member's configuration shares.
     *
     * @param scope the cluster's name in etcd
     * @param etcdHostPort etcd's client address
     * @param pgBin the PostgreSQL programs
     * @param user the superuser
     * @param password the superuser's password
     * @param replicationPassword the replication user's password
     */
    record Cluster(
            String scope, String etcdHostPort, Path pgBin, String user, String password, String replicationPassword) {

        @Override
        public String toString() {
            return "Cluster[scope=" + scope + ", etcd=" + etcdHostPort + ", pgBin=" + pgBin + ", user=" + user + "]";
        }
    }

    /**
     * One member's own settings.
     *
     * @param name the member's name
     * @param pgPort PostgreSQL's port
     * @param restPort Patroni's REST API port
     * @param dataDir PostgreSQL's data directory
     * @param pgpass the password file Patroni writes for its own connections
     */
    record Member(String name, int pgPort, int restPort, Path dataDir, Path pgpass) {}
}
