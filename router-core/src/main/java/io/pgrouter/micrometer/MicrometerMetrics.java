package io.pgrouter.micrometer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrouter.MetricsBinding;
import io.pgrouter.RoutingDataSource;
import java.util.Objects;

/**
 * Reports a router to a Micrometer registry: each node pool's HikariCP meters ({@code hikaricp.*}, tag
 * {@code pool=pgrouter-<node>}, from the pool's first connection) and the router's own ({@link PgRouterMetrics}).
 *
 * <pre>{@code
 * RoutingDataSource.builder()...metrics(MicrometerMetrics.of(registry)).build();
 * }</pre>
 */
public final class MicrometerMetrics implements MetricsBinding {

    private final MeterRegistry registry;

    private MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Reports to {@code registry}. */
    public static MicrometerMetrics of(MeterRegistry registry) {
        return new MicrometerMetrics(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void configurePool(HikariConfig pool) {
        pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }

    @Override
    public void bindRouter(RoutingDataSource router) {
        new PgRouterMetrics(router).bindTo(registry);
    }

    @Override
    public String toString() {
        return "MicrometerMetrics[" + registry.getClass().getSimpleName() + "]";
    }
}
