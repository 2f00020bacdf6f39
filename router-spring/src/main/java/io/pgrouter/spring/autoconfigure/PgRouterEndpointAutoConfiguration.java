package io.pgrouter.spring.autoconfigure;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.actuate.PgRouterEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pgrouter} actuator endpoint, when the actuator is on the class path and the endpoint is available
 * (exposed, and its access not {@code none}).
 */
@AutoConfiguration(after = PgRouterAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(RoutingDataSource.class)
@ConditionalOnAvailableEndpoint(PgRouterEndpoint.class)
public class PgRouterEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PgRouterEndpoint pgrouterEndpoint(RoutingDataSource router) {
        return new PgRouterEndpoint(router);
    }
}
