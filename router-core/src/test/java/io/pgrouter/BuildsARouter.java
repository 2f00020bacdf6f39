package io.pgrouter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Builds, uses and closes a router, and reflects on the public classes the way frameworks do; run by
 * {@link MicrometerOptionalTest} in a class loader without Micrometer. Returns the status as JSON.
 */
public final class BuildsARouter implements Callable<String> {

    @Override
    public String call() throws Exception {
        for (Class<?> type : List.of(
                RoutingDataSource.class,
                RoutingDataSource.Builder.class,
                RouterStatus.class,
                NodeStatus.class,
                RouterListener.class)) {
            type.getDeclaredMethods();
            type.getDeclaredFields();
            type.getDeclaredConstructors();
        }
        // DriverManager registered its drivers from the application class loader, which this one does not see.
        Class.forName("org.postgresql.Driver");
        List<FallbackEvent> fallbacks = new ArrayList<>();
        try (RoutingDataSource router = Unreachable.router()
                .listener(new RouterListener() {
                    @Override
                    public void onFallbackStarted(FallbackEvent event) {
                        fallbacks.add(event);
                    }
                })
                .build()) {
            if (fallbacks.isEmpty()) {
                throw new AssertionError("no fallback event after the first probe round");
            }
            return router.status().toJson();
        }
    }
}
