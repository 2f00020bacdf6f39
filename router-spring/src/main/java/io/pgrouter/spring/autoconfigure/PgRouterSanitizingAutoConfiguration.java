package io.pgrouter.spring.autoconfigure;

import io.pgrouter.spring.actuate.PgRouterSecretsSanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * pgrouter's secrets masked in the actuator's {@code env} and {@code configprops} endpoints whatever their
 * {@code show-values} setting, whenever the actuator is on the class path (the router need not be configured: its keys
 * may be).
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class PgRouterSanitizingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PgRouterSecretsSanitizer pgrouterSecretsSanitizer() {
        return new PgRouterSecretsSanitizer();
    }
}
