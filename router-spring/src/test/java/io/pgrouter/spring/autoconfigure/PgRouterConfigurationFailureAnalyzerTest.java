package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;

/** A bad pgrouter setting stops startup with Boot's short report: the key, the value, where it was set, what to do. */
@ExtendWith(OutputCaptureExtension.class)
class PgRouterConfigurationFailureAnalyzerTest {

    @Test
    void aBadPropertyFailsStartupWithBootsReportNamingTheKeyAndTheAction(CapturedOutput output) {
        SpringApplicationBuilder application =
                new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE);
        assertThatException()
                .isThrownBy(() -> application.run(
                        "--pgrouter.primary.url=jdbc:postgresql://127.0.0.1:" + closedPort() + "/app",
                        "--pgrouter.primary.username=app",
                        "--pgrouter.primary.password=s3cret",
                        "--pgrouter.pool.replica.maximum-pool-size=0"));
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Description:")
                .contains("pgrouter's configuration is invalid")
                .contains("Property: pgrouter.pool.replica.maximum-pool-size")
                .contains(
                        "Origin: \"pgrouter.pool.replica.maximum-pool-size\" from property source \"commandLineArgs\"")
                .contains("Reason: pgrouter.pool.replica.maximum-pool-size must be at least 1, was '0'")
                .contains("Action:")
                .contains("Correct pgrouter.pool.replica.maximum-pool-size in the application's configuration")
                .doesNotContain("s3cret");
    }

    @Test
    void aSpringSideErrorCarriesItsOwnAction() {
        PgRouterConfigurationException error = new PgRouterConfigurationException(
                "pgrouter.selection",
                "pgrouter.selection is set, was 'random', and the application defines a ReplicaSelector bean",
                "Remove pgrouter.selection to use the ReplicaSelector bean, or remove the bean.");
        FailureAnalysis analysis = new PgRouterConfigurationFailureAnalyzer(new StandardEnvironment())
                .analyze(new BeanCreationException("dataSource", "creation failed", error));
        assertThat(analysis.getDescription())
                .contains("Property: pgrouter.selection")
                .contains("Reason: pgrouter.selection is set, was 'random'")
                .doesNotContain("Origin:");
        assertThat(analysis.getAction()).isEqualTo(error.action());
        assertThat(analysis.getCause()).isSameAs(error);
    }

    @Test
    void errorsThatNameNoPgrouterKeyAreNotClaimed() {
        IllegalArgumentException other = new IllegalArgumentException("something else");
        assertThat(PgRouterConfigurationException.of(other)).isSameAs(other);
        assertThat(new PgRouterConfigurationFailureAnalyzer(new StandardEnvironment()).analyze(other))
                .isNull();
    }

    @Test
    void theKeyIsTheFirstTheRoutersMessageNames() {
        IllegalArgumentException wrapped = PgRouterConfigurationException.of(new IllegalArgumentException(
                "pgrouter.replicas[1].url (or pgrouter.replicas[1].host) is required for node 'replica-2'"));
        assertThat(wrapped).isInstanceOf(PgRouterConfigurationException.class);
        assertThat(((PgRouterConfigurationException) wrapped).key()).isEqualTo("pgrouter.replicas[1].url");
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration(PgRouterAutoConfiguration.class)
    static class Application {}

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
