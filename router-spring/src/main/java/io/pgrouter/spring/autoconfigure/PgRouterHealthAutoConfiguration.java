package io.pgrouter.spring.autoconfigure;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.actuate.PgRouterHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pgrouter} health contributor, when Spring Boot's health support is on the class path; off with
 * {@code management.health.pgrouter.enabled=false}.
 */
@AutoConfiguration(after = PgRouterAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(RoutingDataSource.class)
@ConditionalOnEnabledHealthIndicator("pgrouter")
public class PgRouterHealthAutoConfiguration {

    /** Named so that the contributor is {@code pgrouter}. */
    @Bean
    @ConditionalOnMissingBean(name = "pgrouterHealthIndicator")
    PgRouterHealthIndicator pgrouterHealthIndicator(RoutingDataSource router) {
        return new PgRouterHealthIndicator(router);
    }
}
