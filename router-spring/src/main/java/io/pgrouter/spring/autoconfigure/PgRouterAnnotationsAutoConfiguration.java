package io.pgrouter.spring.autoconfigure;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.spring.ReadOnly;
import io.pgrouter.spring.RouteAnnotationAdvisor;
import io.pgrouter.spring.UsePrimary;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.function.SingletonSupplier;

/**
 * Routes calls annotated with {@link ReadOnly} or {@link UsePrimary} through the application's
 * {@link RoutingDataSource}, with an advisor ordered outside the transaction interceptor.
 */
@AutoConfiguration(after = PgRouterAutoConfiguration.class)
@ConditionalOnBean(RoutingDataSource.class)
@Import(PgRouterAnnotationsAutoConfiguration.AutoProxyRegistrar.class)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
public class PgRouterAnnotationsAutoConfiguration {

    /** The advisor; infrastructure, so that the infrastructure-only auto-proxy creator applies it too. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static RouteAnnotationAdvisor pgrouterRouteAnnotationAdvisor(ObjectProvider<RoutingDataSource> router) {
        // Looked up once, on the first annotated call: the data source is created after the advisor.
        return new RouteAnnotationAdvisor(SingletonSupplier.of(router::getIfUnique));
    }

    /**
     * Makes sure an auto-proxy creator exists (transactions or AOP usually register one already; this only adds one
     * where neither did, and never downgrades theirs).
     */
    static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
