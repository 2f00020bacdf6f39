package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.Selection;
import io.pgrouter.spring.RouteAnnotationAdvisor;
import io.pgrouter.spring.RouterConfigCustomizer;
import io.pgrouter.spring.actuate.PgRouterEndpoint;
import io.pgrouter.spring.actuate.PgRouterHealthIndicator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The auto-configurations' conditions, with a primary on a closed local port: the router starts without a database
 * (its pools do not fail the build) and finds the primary unreachable.
 */
@ExtendWith(OutputCaptureExtension.class)
class PgRouterAutoConfigurationTest {

    private static final int CLOSED_PORT = closedPort();

    private static final String CLOSED_URL = "jdbc:postgresql://127.0.0.1:" + CLOSED_PORT + "/app";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    PgRouterAutoConfiguration.class,
                    PgRouterAnnotationsAutoConfiguration.class,
                    PgRouterHealthAutoConfiguration.class,
                    PgRouterEndpointAutoConfiguration.class))
            .withPropertyValues(
                    "pgrouter.probe.interval=100ms",
                    "pgrouter.pool.primary.minimum-idle=0",
                    "pgrouter.pool.replica.minimum-idle=0");

    private final ApplicationContextRunner configured = contextRunner.withPropertyValues(
            "pgrouter.primary.url=" + CLOSED_URL,
            "pgrouter.primary.username=app",
            "pgrouter.replicas[0].url=" + CLOSED_URL);

    @Test
    void withoutAPrimaryNothingIsConfigured() {
        contextRunner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(RoutingDataSource.class);
            assertThat(context).doesNotHaveBean(RouteAnnotationAdvisor.class);
            assertThat(context).doesNotHaveBean(PgRouterHealthIndicator.class);
        });
    }

    @Test
    void aNonPostgresSpringDatasourceUrlLeavesBootsDataSourceInPlace() {
        contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:test")
                .run(context -> assertThat(context).doesNotHaveBean(RoutingDataSource.class));
    }

    @Test
    void aConfiguredPrimaryMakesTheRouterTheDataSource() {
        configured
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(RoutingDataSource.class);
                    assertThat(context).hasSingleBean(DataSource.class);
                    assertThat(context).hasSingleBean(RouteAnnotationAdvisor.class);
                    RoutingDataSource router = context.getBean(RoutingDataSource.class);
                    assertThat(router.status().nodes())
                            .extracting(n -> n.name())
                            .containsExactly("primary", "replica-1");
                    assertThat(router.status().replicasEnabled()).isTrue();
                });
    }

    @Test
    void aPostgresSpringDatasourceUrlIsTheDefaultPrimary() {
        contextRunner
                .withPropertyValues("spring.datasource.url=" + CLOSED_URL, "spring.datasource.username=app")
                .run(context -> assertThat(context).hasSingleBean(RoutingDataSource.class));
    }

    @Test
    void pgrouterEnabledFalseTurnsItOff() {
        configured
                .withPropertyValues("pgrouter.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(RoutingDataSource.class));
    }

    @Test
    void propertiesReachTheRouter() {
        configured
                .withPropertyValues(
                        "pgrouter.replicas-enabled=false",
                        "pgrouter.fallback-to-primary=off",
                        "pgrouter.selection=round-robin",
                        "pgrouter.lag.max-bytes=1MB",
                        "pgrouter.lag.max-delay=2s",
                        "pgrouter.replicas[0].name=east",
                        "pgrouter.replicas[0].weight=7")
                .run(context -> {
                    var status = context.getBean(RoutingDataSource.class).status();
                    assertThat(status.replicasEnabled()).isFalse();
                    assertThat(status.fallbackToPrimary()).isFalse();
                    assertThat(status.selection()).containsIgnoringCase("round");
                    assertThat(status.lagThresholds().maxBytes()).isEqualTo(1024 * 1024);
                    assertThat(status.lagThresholds().maxDelay()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(status.node("east").weight()).isEqualTo(7);
                });
    }

    @Test
    void theUsersOwnDataSourceWinsAndPgrouterSaysSo(CapturedOutput output) {
        configured
                .withUserConfiguration(UserDataSource.class)
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(DataSource.class);
                    assertThat(context).doesNotHaveBean(RoutingDataSource.class);
                    assertThat(context).getBean(DataSource.class).isSameAs(context.getBean("userDataSource"));
                    assertThat(output).contains("pgrouter steps aside").contains("userDataSource");
                });
    }

    @Test
    void aBadValueStopsStartupNamingTheKeyAndValue() {
        configured
                .withPropertyValues("pgrouter.pool.replica.maximum-pool-size=0")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("pgrouter.pool.replica.maximum-pool-size")
                            .hasMessageContaining("0");
                });
    }

    @Test
    void aPatroniTopologySourceIsFollowedAndItsOutageShowsInStatus() {
        configured
                .withPropertyValues(
                        "pgrouter.topology.source=patroni",
                        "pgrouter.topology.patroni.urls=http://127.0.0.1:" + CLOSED_PORT,
                        "pgrouter.topology.patroni.username=patroni",
                        "pgrouter.topology.patroni.password=rest-s3cret",
                        "pgrouter.topology.patroni.timeout=500ms",
                        "pgrouter.topology.refresh-interval=200ms",
                        "pgrouter.topology.drain-timeout=5s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RoutingDataSource router = context.getBean(RoutingDataSource.class);
                    assertThat(router.status().topologySource().source())
                            .isEqualTo("patroni [http://127.0.0.1:" + CLOSED_PORT + "]");
                    assertThat(router.status().topologySource().reachable()).isFalse();
                    assertThat(router.status().toJson()).doesNotContain("rest-s3cret");
                    // The last (here: the configured) topology stays.
                    assertThat(router.status().nodes()).hasSize(2);
                });
    }

    @Test
    void thePatroniPasswordComesFromAFileAndNeverWithAPasswordToo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("patroni-pw"), "rest-file-s3cret\n");
        String[] patroni = {
            "pgrouter.topology.source=patroni",
            "pgrouter.topology.patroni.urls=http://127.0.0.1:" + CLOSED_PORT,
            "pgrouter.topology.patroni.username=patroni",
            "pgrouter.topology.patroni.password-file=" + file
        };
        configured.withPropertyValues(patroni).run(context -> {
            assertThat(context).hasNotFailed();
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(router.status().topologySource().source())
                    .isEqualTo("patroni [http://127.0.0.1:" + CLOSED_PORT + "]");
            assertThat(router.status().toJson()).doesNotContain("rest-file-s3cret");
        });
        configured
                .withPropertyValues(patroni)
                .withPropertyValues("pgrouter.topology.patroni.password=rest-inline-s3cret")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("pgrouter.topology.patroni.password and"
                                    + " pgrouter.topology.patroni.password-file are mutually exclusive")
                            .hasMessageNotContaining("rest-inline-s3cret")
                            .hasMessageNotContaining("rest-file-s3cret");
                });
    }

    @Test
    void anUnknownTopologySourceStopsStartupNamingTheKeyAndValue() {
        configured.withPropertyValues("pgrouter.topology.source=zookeeper").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("pgrouter.topology.source")
                    .hasStackTraceContaining("zookeeper");
        });
        configured.withPropertyValues("pgrouter.topology.source=dns").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("pgrouter.topology.dns.name");
        });
    }

    @Test
    void aMalformedDurationStopsStartupNamingTheKeyAndValue() {
        configured.withPropertyValues("pgrouter.lag.max-delay=5 parsecs").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("pgrouter.lag.max-delay")
                    .hasStackTraceContaining("5 parsecs");
        });
    }

    @Test
    void anUnknownSelectionStopsStartupNamingTheKeyAndValue() {
        configured.withPropertyValues("pgrouter.selection=fastest").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("pgrouter.selection")
                    .hasStackTraceContaining("fastest");
        });
    }

    @Test
    void everySelectionNameBinds() {
        for (Selection selection : Selection.values()) {
            configured
                    .withPropertyValues("pgrouter.selection=" + selection.key())
                    .run(context -> {
                        String name = context.getBean(RoutingDataSource.class)
                                .status()
                                .selection();
                        assertThat(name).isEqualTo(selection.newSelector().toString());
                    });
        }
    }

    @Test
    void aReplicaSelectorBeanReplacesTheBuiltInSelection() {
        configured
                .withBean(ReplicaSelector.class, FirstReplica::new)
                .run(context -> assertThat(context.getBean(RoutingDataSource.class)
                                .status()
                                .selection())
                        .isEqualTo("first-replica"));
    }

    @Test
    void aReplicaSelectorBeanAndPgrouterSelectionTogetherStopStartup() {
        configured
                .withBean(ReplicaSelector.class, FirstReplica::new)
                .withPropertyValues("pgrouter.selection=random")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(PgRouterConfigurationException.class)
                            .hasMessageContaining("pgrouter.selection")
                            .hasMessageContaining("'random'")
                            .hasMessageContaining(FirstReplica.class.getName());
                });
    }

    @Test
    void aJdbcConnectionDetailsBeanAloneConfiguresThePrimary() {
        contextRunner
                .withBean(JdbcConnectionDetails.class, () -> details(CLOSED_URL))
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(RoutingDataSource.class);
                    assertThat(context).hasSingleBean(DataSource.class);
                });
    }

    @Test
    void theConnectionDetailsBeanWinsOverSpringDatasource() {
        // Its URL is not PostgreSQL's: the failure shows that the bean, not spring.datasource.url, was read.
        contextRunner
                .withPropertyValues("spring.datasource.url=" + CLOSED_URL, "spring.datasource.username=app")
                .withBean(JdbcConnectionDetails.class, () -> details("jdbc:mysql://db:3306/app?password=s3cret"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(PgRouterConfigurationException.class)
                            .hasMessageContaining("pgrouter.primary.url is not set")
                            .hasMessageContaining("JdbcConnectionDetails bean")
                            .hasMessageContaining("'jdbc:mysql:...'")
                            .hasMessageNotContaining("s3cret");
                });
    }

    @Test
    void pgrouterPrimaryKeysWinOverTheConnectionDetails() {
        // The details' URL would fail; only their username (needed: none is set here) is taken.
        contextRunner
                .withPropertyValues("pgrouter.primary.url=" + CLOSED_URL)
                .withBean(JdbcConnectionDetails.class, () -> details("jdbc:mysql://db:3306/app"))
                .run(context -> assertThat(context).hasSingleBean(RoutingDataSource.class));
    }

    @Test
    void pgrouterEnabledOffTurnsItOffDespiteConnectionDetails() {
        contextRunner
                .withPropertyValues("pgrouter.enabled=off")
                .withBean(JdbcConnectionDetails.class, () -> details(CLOSED_URL))
                .run(context -> assertThat(context).doesNotHaveBean(RoutingDataSource.class));
    }

    @Test
    void nodesCanBeGivenByHostPortAndDatabase() {
        contextRunner
                .withPropertyValues(
                        "pgrouter.primary.host=127.0.0.1",
                        "pgrouter.primary.port=" + CLOSED_PORT,
                        "pgrouter.primary.database=app",
                        "pgrouter.primary.username=app",
                        "pgrouter.replicas[0].host=::1",
                        "pgrouter.replicas[0].name=east")
                .run(context -> assertThat(context.getBean(RoutingDataSource.class)
                                .status()
                                .nodes())
                        .extracting(n -> n.name())
                        .containsExactly("primary", "east"));
    }

    @Test
    void aUrlAndAHostForOneNodeStopStartupNamingBothKeys() {
        configured.withPropertyValues("pgrouter.replicas[0].host=db-2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("pgrouter.replicas[0].url and pgrouter.replicas[0].host/port/database")
                    .hasMessageContaining("'db-2'");
        });
    }

    @Test
    void aPortOutOfRangeStopsStartupNamingTheKey() {
        contextRunner
                .withPropertyValues(
                        "pgrouter.primary.host=db-1", "pgrouter.primary.port=70000", "pgrouter.primary.username=app")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("pgrouter.primary.port must be between 1 and 65535, was '70000'");
                });
    }

    @Test
    void aMisspelledKeyStopsStartup() {
        configured.withPropertyValues("pgrouter.fallback-to-primari=false").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("pgrouter.fallback-to-primari");
        });
    }

    @Test
    void aMissingUsernameStopsStartupNamingTheKey() {
        contextRunner.withPropertyValues("pgrouter.primary.url=" + CLOSED_URL).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("pgrouter.primary.username");
        });
    }

    @Test
    void customizersRunInOrderAfterTheProperties() {
        configured
                .withPropertyValues("pgrouter.fallback-to-primary=true")
                .withUserConfiguration(Customizers.class)
                .run(context -> {
                    var status = context.getBean(RoutingDataSource.class).status();
                    assertThat(status.fallbackToPrimary()).isFalse();
                    assertThat(status.replicasEnabled()).isTrue();
                });
    }

    @Test
    void healthIsDownWhileThePrimaryIsUnreachable() {
        configured.run(context -> {
            assertThat(context).hasSingleBean(PgRouterHealthIndicator.class);
            assertThat(context).hasBean("pgrouterHealthIndicator");
            HealthIndicator health = context.getBean(PgRouterHealthIndicator.class);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> health.health().getStatus(), status -> !status.equals(Status.UNKNOWN));
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsKeys("primary", "replicas", "replicasEnabled");
        });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff() {
        configured
                .withPropertyValues("management.health.pgrouter.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PgRouterHealthIndicator.class));
    }

    @Test
    void theEndpointExistsOnlyWhenExposed() {
        configured.run(context -> assertThat(context).doesNotHaveBean(PgRouterEndpoint.class));
        configured
                .withPropertyValues("management.endpoints.web.exposure.include=pgrouter")
                .run(context -> assertThat(context).hasSingleBean(PgRouterEndpoint.class));
    }

    @Test
    void withoutTheActuatorOnlyTheRoutingRemains() {
        configured
                .withPropertyValues("management.endpoints.web.exposure.include=pgrouter")
                .withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(RoutingDataSource.class);
                    assertThat(context).hasSingleBean(RouteAnnotationAdvisor.class);
                    assertThat(context).doesNotHaveBean(PgRouterHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(PgRouterEndpoint.class);
                });
    }

    @Test
    void withoutMicrometerTheRouterStillStarts() {
        configured
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).hasSingleBean(RoutingDataSource.class));
    }

    @Test
    void aMeterRegistryGetsTheRoutersAndThePoolsMeters() {
        configured.withBean(SimpleMeterRegistry.class).run(context -> {
            context.getBean(RoutingDataSource.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("pgrouter.route.decisions")
                            .tag("node", "primary")
                            .meters())
                    .isNotEmpty();
            assertThat(registry.find("hikaricp.connections.max")
                            .tag("pool", "pgrouter-replica-1")
                            .gauge())
                    .isNotNull();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDataSource {
        @Bean
        DataSource userDataSource() {
            return DataSourceBuilder.create().url(CLOSED_URL).username("app").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        @Bean
        @Order(2)
        RouterConfigCustomizer second() {
            return builder -> builder.fallbackToPrimary(false);
        }

        @Bean
        @Order(1)
        RouterConfigCustomizer first() {
            return builder -> builder.fallbackToPrimary(true).replicasEnabled(true);
        }
    }

    /** Picks the first candidate; named so that the router's status shows it. */
    static class FirstReplica implements ReplicaSelector {
        @Override
        public int select(List<? extends ReplicaCandidate> candidates) {
            return 0;
        }

        @Override
        public String toString() {
            return "first-replica";
        }
    }

    /** What {@code @ServiceConnection} or Docker Compose support would register. */
    private static JdbcConnectionDetails details(String url) {
        return new JdbcConnectionDetails() {
            @Override
            public String getJdbcUrl() {
                return url;
            }

            @Override
            public String getUsername() {
                return "app";
            }

            @Override
            public String getPassword() {
                return "s3cret";
            }
        };
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
