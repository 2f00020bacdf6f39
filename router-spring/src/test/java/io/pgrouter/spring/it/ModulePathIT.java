package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.RouterConfigCustomizer;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Advisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.dao.DataAccessException;
import org.springframework.expression.ExpressionParser;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.JsonParser;

/**
 * router-spring on the module path: a tiny Spring Boot application in a module that requires
 * {@code io.pgrouter.spring} is compiled and run in a JVM of its own, with only Spring Boot's JDBC starter pieces and
 * pgrouter on the module path (no actuator, no Micrometer core, no servlet API). The auto-configuration creates the
 * routing data source (which needs Spring's deep reflection into the opened packages), a write lands on the primary,
 * a read-only connection is answered, and the module exports its four packages and no more of the core's.
 */
@PostgresReplicaSet(replicas = 1)
class ModulePathIT {

    static ReplicaSet cluster;

    private static final String MODULE_INFO = """
            module app {
                requires io.pgrouter.spring;
                requires spring.boot.autoconfigure;
                opens app;
            }
            """;

    private static final String MAIN = """
            package app;

            import java.sql.Connection;
            import java.sql.ResultSet;
            import javax.sql.DataSource;
            import org.springframework.boot.SpringApplication;
            import org.springframework.boot.autoconfigure.SpringBootApplication;
            import org.springframework.context.ConfigurableApplicationContext;

            @SpringBootApplication
            public class Main {
                public static void main(String[] args) throws Exception {
                    try (ConfigurableApplicationContext context = SpringApplication.run(Main.class, args)) {
                        DataSource dataSource = context.getBean(DataSource.class);
                        System.out.println("data source: " + dataSource.getClass().getName());
                        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement()
                                .executeQuery("select pg_is_in_recovery()")) {
                            rs.next();
                            System.out.println("write on standby: " + rs.getBoolean(1));
                        }
                        try (Connection c = dataSource.getConnection()) {
                            c.setReadOnly(true);
                            try (ResultSet rs = c.createStatement().executeQuery("select 1")) {
                                rs.next();
                                System.out.println("read answered: " + rs.getInt(1));
                            }
                        }
                        Module spring = io.pgrouter.spring.RouterConfigCustomizer.class.getModule();
                        System.out.println("spring module: " + spring.getName());
                        for (String p : new String[] {"io.pgrouter.spring", "io.pgrouter.spring.autoconfigure",
                                "io.pgrouter.spring.actuate", "io.pgrouter.spring.web"}) {
                            System.out.println("exports and opens " + p + ": " + (spring.isExported(p) && spring.isOpen(p)));
                        }
                        Module core = io.pgrouter.RoutingDataSource.class.getModule();
                        System.out.println("core exports io.pgrouter.internal: " + core.isExported("io.pgrouter.internal"));
                        System.out.println("actuator present: "
                                + spring.getLayer().findModule("spring.boot.actuator").isPresent());
                        System.out.println("micrometer present: "
                                + spring.getLayer().findModule("micrometer.core").isPresent());
                    }
                }
            }
            """;

    @Test
    void aModularSpringBootApplicationGetsTheRouterFromTheAutoConfiguration(@TempDir Path work) throws Exception {
        // Spring Boot's JDBC pieces and their own dependencies, one class of each jar; pgrouter's core and its own.
        String modulePath = Stream.of(
                        RouterConfigCustomizer.class,
                        RoutingDataSource.class,
                        HikariConfig.class,
                        Driver.class,
                        CircuitBreaker.class,
                        IntervalFunction.class,
                        LoggerFactory.class,
                        JsonParser.class,
                        SpringApplication.class,
                        AutoConfiguration.class,
                        JdbcConnectionDetails.class,
                        ApplicationScriptDatabaseInitializer.class,
                        TransactionManagerCustomizers.class,
                        ApplicationContext.class,
                        BeanFactory.class,
                        Resource.class,
                        ExpressionParser.class,
                        Advisor.class,
                        JdbcTemplate.class,
                        DataAccessException.class,
                        Observation.class,
                        KeyValue.class,
                        LogFactory.class,
                        org.jspecify.annotations.Nullable.class)
                .map(ModulePathIT::location)
                .distinct()
                .collect(Collectors.joining(File.pathSeparator));
        Path source = work.resolve("src");
        Files.createDirectories(source.resolve("app"));
        Files.writeString(source.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(source.resolve("app/Main.java"), MAIN);
        Path classes = work.resolve("classes");
        Path output = work.resolve("output.txt");
        run(
                output,
                tool("javac"),
                "--module-path",
                modulePath,
                "-d",
                classes.toString(),
                source.resolve("module-info.java").toString(),
                source.resolve("app/Main.java").toString());
        run(
                output,
                tool("java"),
                "--module-path",
                classes + File.pathSeparator + modulePath,
                // Spring's jars are automatic modules, which require nothing: the explicit modules they use
                // (commons-logging, slf4j, ...) are resolved only when added, as for any Spring application on the
                // module path.
                "--add-modules",
                "ALL-MODULE-PATH",
                "-m",
                "app/app.Main",
                "--pgrouter.primary.url=" + cluster.primary().jdbcUrl(),
                "--pgrouter.primary.username=" + cluster.user(),
                "--pgrouter.primary.password=" + cluster.password(),
                "--pgrouter.replicas[0].url=" + cluster.replica(0).jdbcUrl());

        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(printed)
                .contains(
                        "data source: io.pgrouter.RoutingDataSource",
                        "write on standby: false",
                        "read answered: 1",
                        "spring module: io.pgrouter.spring",
                        "exports and opens io.pgrouter.spring: true",
                        "exports and opens io.pgrouter.spring.autoconfigure: true",
                        "exports and opens io.pgrouter.spring.actuate: true",
                        "exports and opens io.pgrouter.spring.web: true",
                        "core exports io.pgrouter.internal: false",
                        "actuator present: false",
                        "micrometer present: false");
    }

    /** Runs a JDK tool in a process of its own; fails on a non-zero exit, showing what it printed. */
    private static void run(Path output, String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            assertThat(process.waitFor(3, TimeUnit.MINUTES))
                    .as("%s finished", command[0])
                    .isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue())
                .as("%s: %s", command[0], Files.readString(output))
                .isZero();
    }

    private static String tool(String name) {
        return Paths.get(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
