package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.spring.actuate.PgRouterStatusPageEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * When the status page exists and whether it shows the switches. The router points at a closed local port: it
 * starts without a database. The page in a real browser against a real cluster: {@code StatusPageBrowserIT} in
 * the samples. Access values are in the enum's own spelling: a bare context runner lacks the lenient conversion
 * ({@code read-only}) that a Spring Boot application has.
 */
class PgRouterStatusPageAutoConfigurationTest {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    PgRouterAutoConfiguration.class,
                    PgRouterEndpointAutoConfiguration.class,
                    PgRouterStatusPageAutoConfiguration.class))
            .withPropertyValues(
                    "pgrouter.primary.url=jdbc:postgresql://127.0.0.1:" + closedPort() + "/app",
                    "pgrouter.primary.username=app",
                    "pgrouter.probe.interval=100ms",
                    "pgrouter.pool.primary.minimum-idle=0",
                    "management.endpoints.web.exposure.include=pgrouter,pgrouterpage");

    @Test
    void thePageIsOffUnlessItsAccessIsGranted() {
        contextRunner.run(context -> assertThat(context).doesNotHaveBean(PgRouterStatusPageEndpoint.class));
    }

    @Test
    void grantedAndExposedThePageShowsNoSwitchesByDefault() {
        contextRunner
                .withPropertyValues("management.endpoint.pgrouterpage.access=READ_ONLY")
                .run(context -> {
                    assertThat(context).hasSingleBean(PgRouterStatusPageEndpoint.class);
                    String page =
                            context.getBean(PgRouterStatusPageEndpoint.class).page();
                    assertThat(page)
                            .contains("<meta name=\"pgrouter-write-access\" content=\"false\">")
                            .contains("const STATUS_URL = \"pgrouter\"");
                });
    }

    @Test
    void withWriteAccessToThePgrouterEndpointThePageShowsTheSwitches() {
        contextRunner
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues(
                        "management.endpoint.pgrouterpage.access=READ_ONLY",
                        "management.endpoint.pgrouter.access=UNRESTRICTED")
                .run(context -> assertThat(context.getBean(PgRouterStatusPageEndpoint.class)
                                .page())
                        .contains("<meta name=\"pgrouter-write-access\" content=\"true\">"));
    }

    @Test
    void notExposedThereIsNoPage() {
        contextRunner
                .withPropertyValues(
                        "management.endpoint.pgrouterpage.access=READ_ONLY",
                        "management.endpoints.web.exposure.include=pgrouter")
                .run(context -> assertThat(context).doesNotHaveBean(PgRouterStatusPageEndpoint.class));
    }

    @Test
    void withoutThePgrouterEndpointThereIsNoPage() {
        contextRunner
                .withPropertyValues(
                        "management.endpoint.pgrouterpage.access=READ_ONLY",
                        "management.endpoints.web.exposure.include=pgrouterpage")
                .run(context -> assertThat(context).doesNotHaveBean(PgRouterStatusPageEndpoint.class));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
