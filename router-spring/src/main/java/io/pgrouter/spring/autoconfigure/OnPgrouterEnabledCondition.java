package io.pgrouter.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code pgrouter.enabled} is false. Bound as {@link PgRouterProperties#isEnabled()} is (so
 * {@code off} and {@code no} count too), where {@code @ConditionalOnBooleanProperty} would take only {@code false}.
 */
class OnPgrouterEnabledCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        boolean enabled = Binder.get(context.getEnvironment())
                .bind("pgrouter.enabled", Boolean.class)
                .orElse(true);
        return enabled
                ? ConditionOutcome.match("pgrouter.enabled is not false")
                : ConditionOutcome.noMatch("pgrouter.enabled is false");
    }
}
