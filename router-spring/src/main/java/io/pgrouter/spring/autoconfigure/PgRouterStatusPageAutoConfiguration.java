package io.pgrouter.spring.autoconfigure;

import io.pgrouter.spring.actuate.PgRouterEndpoint;
import io.pgrouter.spring.actuate.PgRouterStatusPageEndpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The status page ({@code /actuator/pgrouterpage}) when the application opted in (the page endpoint's access is
 * {@code none} unless set, e.g. {@code management.endpoint.pgrouterpage.access=read-only}), exposed it, and the
 * {@code pgrouter} endpoint it reads exists.
 */
@AutoConfiguration(after = PgRouterEndpointAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(PgRouterEndpoint.class)
@ConditionalOnAvailableEndpoint(PgRouterStatusPageEndpoint.class)
public class PgRouterStatusPageAutoConfiguration {

    /** The {@code pgrouter} endpoint's id, whose access decides whether the page shows the switches. */
    private static final EndpointId PGROUTER = EndpointId.of("pgrouter");

    @Bean
    @ConditionalOnMissingBean
    PgRouterStatusPageEndpoint pgrouterStatusPageEndpoint(ObjectProvider<EndpointAccessResolver> access) {
        EndpointAccessResolver resolver = access.getIfAvailable(() -> (id, defaultAccess) -> defaultAccess);
        return new PgRouterStatusPageEndpoint(resolver.accessFor(PGROUTER, Access.READ_ONLY) == Access.UNRESTRICTED);
    }
}
