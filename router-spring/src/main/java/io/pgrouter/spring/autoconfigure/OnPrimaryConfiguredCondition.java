package io.pgrouter.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when a primary is configured: {@code pgrouter.primary.url} or {@code .host}, a {@link JdbcConnectionDetails}
 * bean ({@code @ServiceConnection}, Docker Compose support, or the application's own), or a PostgreSQL
 * {@code spring.datasource.url} (another database's URL, say an in-memory one for tests, leaves Boot's own DataSource
 * in place).
 */
class OnPrimaryConfiguredCondition extends AnyNestedCondition {

    OnPrimaryConfiguredCondition() {
        super(ConfigurationPhase.REGISTER_BEAN);
    }

    @Conditional(PrimaryInPropertiesCondition.class)
    static class PrimaryInProperties {}

    /** Boot's own details bean is created with its DataSource, after this runs: only the application's are seen. */
    @ConditionalOnBean(JdbcConnectionDetails.class)
    static class ConnectionDetailsBean {}

    static class PrimaryInPropertiesCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder binder = Binder.get(context.getEnvironment());
            for (String key : new String[] {"pgrouter.primary.url", "pgrouter.primary.host"}) {
                if (StringUtils.hasText(binder.bind(key, String.class).orElse(null))) {
                    return ConditionOutcome.match(key + " is set");
                }
            }
            String url = binder.bind("spring.datasource.url", String.class).orElse(null);
            if (url != null && url.startsWith("jdbc:postgresql:")) {
                return ConditionOutcome.match("spring.datasource.url is a PostgreSQL URL");
            }
            return ConditionOutcome.noMatch("neither pgrouter.primary.url, pgrouter.primary.host nor a PostgreSQL"
                    + " spring.datasource.url is set");
        }
    }
}
