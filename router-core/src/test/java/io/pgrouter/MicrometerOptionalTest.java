package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;
import tools.jackson.core.json.JsonFactory;

/** The core works without Micrometer on the class path: Micrometer is an optional dependency. */
class MicrometerOptionalTest {

    /** The core's classes, its required dependencies and Jackson (for the JSON it returns), nothing else. */
    private static URLClassLoader withoutMicrometer() {
        return IsolatedClassLoaders.of(
                "without-micrometer",
                List.of(
                        RoutingDataSource.class,
                        BuildsARouter.class,
                        HikariConfig.class,
                        Driver.class,
                        CircuitBreaker.class,
                        IntervalFunction.class,
                        LoggerFactory.class,
                        org.slf4j.simple.SimpleServiceProvider.class,
                        JsonFactory.class));
    }

    @Test
    void aRouterBuildsRunsAndClosesWithoutMicrometer() throws Exception {
        try (URLClassLoader loader = withoutMicrometer()) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .as("the loader hides Micrometer")
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> task = loader.loadClass(BuildsARouter.class.getName());
            assertThat(task.getClassLoader()).isSameAs(loader);

            @SuppressWarnings("unchecked")
            Callable<String> build =
                    (Callable<String>) task.getDeclaredConstructor().newInstance();
            String json = build.call();

            assertThat(json).contains("\"name\":\"replica-1\"", "\"health\":\"unreachable\"");
        }
    }
}
