package io.pgrouter.samples.orders;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the orders service on a test kit cluster (its primary and first replica), on a free loopback port, with
 * short probe intervals so that faults show within a second or two, and with the actuator's {@code health},
 * {@code pgrouter}, {@code prometheus} and {@code pgrouterpage} (the status page) exposed. The demo and the
 * operations tests run the service this way.
 */
public final class OrdersOnCluster {

    private OrdersOnCluster() {}

    /**
     * Starts the service; {@code overrides} replace or add properties (e.g. {@code management.endpoint.pgrouter.access}).
     */
    public static ConfigurableApplicationContext start(ReplicaSet cluster, Map<String, ?> overrides) {
        PostgresNode replica = cluster.replica(0);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("pgrouter.primary.url", cluster.primary().jdbcUrl());
        props.put("pgrouter.primary.username", cluster.user());
        props.put("pgrouter.primary.password", cluster.password());
        props.put("pgrouter.replicas[0].name", replica.name());
        props.put("pgrouter.replicas[0].url", replica.jdbcUrl());
        props.put("pgrouter.probe.interval", "500ms");
        props.put("pgrouter.lag.max-delay", "1s");
        props.put("pgrouter.lag.rejoin-after", "3");
        props.put("management.endpoint.pgrouterpage.access", "read-only");
        props.put("management.endpoints.web.exposure.include", "health,pgrouter,prometheus,pgrouterpage");
        props.put("server.port", "0");
        props.put("server.address", "127.0.0.1");
        // The load has stopped when the service closes: nothing to wait for.
        props.put("server.shutdown", "immediate");
        props.put("spring.main.banner-mode", "off");
        props.put("logging.level.root", "WARN");
        props.put("logging.level.io.pgrouter.samples", "INFO");
        // The pools retire connections a restarted replica closed; HikariCP says so at WARN each time.
        props.put("logging.level.com.zaxxer.hikari", "ERROR");
        props.putAll(overrides);
        ConfigurableApplicationContext service = new SpringApplicationBuilder(OrdersApplication.class)
                .properties(props)
                .run();
        // The service creates and seeds its schema on the primary as it starts; reads routed to the replica before it
        // replayed that would find no tables (a CI run of the demo failed 3 reads this way). Readers start after this.
        cluster.awaitReplicated(Duration.ofSeconds(60));
        return service;
    }

    /**
     * Creates the orders tables (without rows) on {@code node}: the schema a cutover target needs before it subscribes
     * to the service's database.
     */
    public static void createSchemaOn(PostgresNode node) {
        try (java.sql.Connection c = node.dataSource().getConnection();
                java.sql.Statement s = c.createStatement()) {
            s.execute(OrdersSchema.TABLES);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("creating the orders tables on " + node.name() + " failed", e);
        }
    }

    /** The status page of a service started by {@link #start}. */
    public static String statusPageUrl(ConfigurableApplicationContext service) {
        return baseUrl(service) + "/actuator/pgrouterpage";
    }

    /** {@code http://127.0.0.1:<port>} of a service started by {@link #start}. */
    public static String baseUrl(ConfigurableApplicationContext service) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) service).getWebServer().getPort();
    }
}
