package io.pgrouter.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.micrometer.MicrometerMetrics;
import io.pgrouter.spring.RouterConfigCustomizer;
import java.util.Arrays;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Makes a {@link RoutingDataSource} the application's {@link DataSource} when a primary is configured
 * ({@code pgrouter.primary.url} or {@code .host}, a {@link JdbcConnectionDetails} bean, or a PostgreSQL
 * {@code spring.datasource.url}) and {@code pgrouter.enabled} is not {@code false}. Runs before Boot's DataSource
 * auto-configuration, which then backs off; a DataSource the application defines itself wins, and pgrouter says so
 * at INFO.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass(RoutingDataSource.class)
@Conditional({OnPgrouterEnabledCondition.class, OnPrimaryConfiguredCondition.class})
@EnableConfigurationProperties({PgRouterProperties.class, DataSourceProperties.class})
public class PgRouterAutoConfiguration {

    /**
     * The router, built from the properties, the primary's connection details (the application's
     * {@link JdbcConnectionDetails} bean, else {@code spring.datasource.*}), a {@link ReplicaSelector} bean if there is
     * one, and then every {@link RouterConfigCustomizer} in order.
     *
     * @throws PgRouterConfigurationException naming the key, for a setting the router cannot start with
     */
    @Bean
    @ConditionalOnMissingBean(DataSource.class)
    public RoutingDataSource dataSource(
            PgRouterProperties properties,
            DataSourceProperties dataSourceProperties,
            ObjectProvider<JdbcConnectionDetails> connectionDetails,
            ObjectProvider<ReplicaSelector> selector,
            ObjectProvider<RouterConfigCustomizer> customizers) {
        try {
            RoutingDataSource.Builder builder = RouterBuilderFactory.builder(
                    properties,
                    connectionDetails.getIfAvailable(
                            () -> new DataSourcePropertiesConnectionDetails(dataSourceProperties)),
                    selector.getIfAvailable());
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder.build();
        } catch (IllegalArgumentException e) {
            // Validation errors name a pgrouter key: reported by PgRouterConfigurationFailureAnalyzer.
            throw PgRouterConfigurationException.of(e);
        }
    }

    /** Says at startup why pgrouter is not the DataSource although a primary is configured. */
    @Bean
    static SmartInitializingSingleton pgrouterStepAsideNotice(ConfigurableListableBeanFactory beanFactory) {
        return () -> {
            if (beanFactory.getBeanNamesForType(RoutingDataSource.class, false, false).length > 0) {
                return;
            }
            String[] dataSources = beanFactory.getBeanNamesForType(DataSource.class, false, false);
            if (dataSources.length > 0) {
                Logger log = LoggerFactory.getLogger(PgRouterAutoConfiguration.class);
                log.info(
                        "pgrouter steps aside: the application defines its own DataSource {}; remove it to route"
                                + " through pgrouter, or set pgrouter.enabled=false to silence this",
                        Arrays.toString(dataSources));
            }
        };
    }

    /** Reports the router's meters and every node pool's HikariCP meters to the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "pgrouterMetricsCustomizer")
        RouterConfigCustomizer pgrouterMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
            // Looked up when the router is built: a registry bean need not exist when this configuration is read.
            return builder -> registry.ifUnique(r -> builder.metrics(MicrometerMetrics.of(r)));
        }
    }
}
