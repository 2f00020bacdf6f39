package io.pgrouter.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when a primary is configured: {@code pgrouter.primary.url}, or a PostgreSQL {@code spring.datasource.url}
 * (another database's URL, say an in-memory one for tests, leaves Boot's own DataSource in place), and
 * {@code pgrouter.enabled} is not {@code false}.
 */
class OnPrimaryConfiguredCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment environment = context.getEnvironment();
        if (!environment.getProperty("pgrouter.enabled", Boolean.class, true)) {
            return ConditionOutcome.noMatch("pgrouter.enabled is false");
        }
        if (StringUtils.hasText(environment.getProperty("pgrouter.primary.url"))) {
            return ConditionOutcome.match("pgrouter.primary.url is set");
        }
        String url = environment.getProperty("spring.datasource.url");
        if (url != null && url.startsWith("jdbc:postgresql:")) {
            return ConditionOutcome.match("spring.datasource.url is a PostgreSQL URL");
        }
        return ConditionOutcome.noMatch("neither pgrouter.primary.url nor a PostgreSQL spring.datasource.url is set");
    }
}
