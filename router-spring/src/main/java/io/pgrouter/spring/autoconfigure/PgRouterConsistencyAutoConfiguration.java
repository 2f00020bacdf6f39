package io.pgrouter.spring.autoconfigure;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.web.CausalConsistencyFilter;
import io.pgrouter.spring.web.CausalTokenInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Read-your-writes for web applications, with {@code pgrouter.consistency.enabled=true}: a filter that binds a
 * causal session to every request from its token, and an interceptor for {@code RestClient}/{@code RestTemplate}
 * that forwards it.
 */
@AutoConfiguration(after = PgRouterAutoConfiguration.class)
@ConditionalOnBean(RoutingDataSource.class)
@ConditionalOnProperty(prefix = "pgrouter.consistency", name = "enabled", havingValue = "true")
@ConditionalOnClass(name = "org.springframework.web.filter.OncePerRequestFilter")
public class PgRouterConsistencyAutoConfiguration {

    /** Early, so that filters that read the database run inside the request's session. */
    static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.boot.web.servlet.FilterRegistrationBean")
    static class FilterConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "pgrouterConsistencyFilter")
        FilterRegistrationBean<CausalConsistencyFilter> pgrouterConsistencyFilter(
                RoutingDataSource router, PgRouterProperties properties) {
            PgRouterProperties.Consistency c = properties.getConsistency();
            FilterRegistrationBean<CausalConsistencyFilter> registration =
                    new FilterRegistrationBean<>(new CausalConsistencyFilter(router, c.getHeader(), c.getCookie()));
            registration.setOrder(FILTER_ORDER);
            return registration;
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(name = "org.springframework.http.client.ClientHttpRequestInterceptor")
    CausalTokenInterceptor causalTokenInterceptor(RoutingDataSource router, PgRouterProperties properties) {
        return new CausalTokenInterceptor(router, properties.getConsistency().getHeader());
    }
}
