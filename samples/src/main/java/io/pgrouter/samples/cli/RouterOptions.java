package io.pgrouter.samples.cli;

import io.pgrouter.RoutingDataSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the CLIs' router comes from: a properties file with {@code pgrouter.*} keys, or else the environment
 * variables of {@code docs/configuration.md} ({@code POSTGRES_HOST}, {@code POSTGRES_REPLICA_HOST}, ...).
 */
final class RouterOptions {

    @Option(
            names = "--config",
            description =
                    "A properties file with pgrouter.* keys; without it, the POSTGRES_* environment variables are used.")
    Path config;

    RoutingDataSource build() throws IOException {
        if (config == null) {
            return RoutingDataSource.fromEnvironment();
        }
        return RoutingDataSource.fromProperties(load(config));
    }

    /** A properties file as a map. */
    static Map<String, String> load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }
}
