package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;

/**
 * The core routes, reports its status and closes without Jackson on the class path (an optional dependency, for
 * the JSON forms only); {@code toJson()} then says what is missing. The loader holds the core, its required
 * dependencies and Awaitility, nothing else.
 */
@PostgresReplicaSet(replicas = 1)
class JacksonOptionalIT {

    static ReplicaSet cluster;

    private static URLClassLoader withoutJackson() {
        return IsolatedClassLoaders.of(
                "without-jackson",
                List.of(
                        RoutingDataSource.class,
                        RoutesWithoutJackson.class,
                        HikariConfig.class,
                        Driver.class,
                        CircuitBreaker.class,
                        IntervalFunction.class,
                        LoggerFactory.class,
                        org.slf4j.simple.SimpleServiceProvider.class,
                        Awaitility.class,
                        Matcher.class));
    }

    @Test
    void aRouterRoutesAndReportsWithoutJacksonAndToJsonNamesIt() throws Exception {
        Map<String, String> properties = Map.of(
                "pgrouter.primary.url", cluster.primary().jdbcUrl(),
                "pgrouter.primary.username", cluster.user(),
                "pgrouter.primary.password", cluster.password(),
                "pgrouter.replicas[0].url", cluster.replica(0).jdbcUrl());
        try (URLClassLoader loader = withoutJackson()) {
            assertThatThrownBy(() -> loader.loadClass("tools.jackson.core.json.JsonFactory"))
                    .as("the loader hides Jackson")
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> task = loader.loadClass(RoutesWithoutJackson.class.getName());
            assertThat(task.getClassLoader()).isSameAs(loader);

            @SuppressWarnings("unchecked")
            Function<Map<String, String>, Map<String, String>> run =
                    (Function<Map<String, String>, Map<String, String>>)
                            task.getDeclaredConstructor().newInstance();
            Map<String, String> seen = run.apply(properties);

            assertThat(seen)
                    .containsEntry("write in recovery", "false")
                    .containsEntry("read in recovery", "true")
                    .containsEntry("primary writes", "1")
                    .containsEntry("replica reads", "1");
            assertThat(seen.get("toJson"))
                    .isEqualTo("RouterStatus.toJson() needs Jackson"
                            + " (tools.jackson.core:jackson-core), which is an optional dependency of pgrouter: add it to the"
                            + " class path or module path");
        }
    }
}
