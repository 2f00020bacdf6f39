package io.pgrouter.spring.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports a bad {@code pgrouter.*} setting as Boot's "APPLICATION FAILED TO START" description and action, naming the
 * key, the value (as the router's message shows it: masked where secret) and where the key was set, instead of a
 * long chain of bean creation exceptions. Registered in {@code META-INF/spring.factories}.
 */
class PgRouterConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PgRouterConfigurationException> {

    private final Environment environment;

    PgRouterConfigurationFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PgRouterConfigurationException cause) {
        StringBuilder description = new StringBuilder("pgrouter's configuration is invalid:\n\n")
                .append("    Property: ")
                .append(cause.key())
                .append('\n');
        String origin = origin(cause.key());
        if (origin != null) {
            description.append("    Origin: ").append(origin).append('\n');
        }
        description.append("    Reason: ").append(cause.getMessage());
        String action = cause.action() != null
                ? cause.action()
                : "Correct " + cause.key() + " in the application's configuration (properties, environment or a"
                        + " RouterConfigCustomizer); docs/configuration.md lists every pgrouter key and its valid"
                        + " values. To leave the DataSource to Spring Boot, set pgrouter.enabled=false.";
        return new FailureAnalysis(description.toString(), action, cause);
    }

    /** Where the key was set (a file and line, an environment variable), never its value. */
    private String origin(String key) {
        if (!ConfigurationPropertyName.isValid(key)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return property.getOrigin() != null ? property.getOrigin().toString() : null;
            }
        }
        return null;
    }
}
