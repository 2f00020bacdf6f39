package io.pgrouter;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a router from properties, routes a write and a read, takes its status and tries its JSON form; run by
 * {@link JacksonOptionalIT} in a class loader without Jackson. Returns what it saw, by name, as text (JDK types
 * only, as they are all the two class loaders share).
 */
public final class RoutesWithoutJackson implements Function<Map<String, String>, Map<String, String>> {

    @Override
    public Map<String, String> apply(Map<String, String> properties) {
        // DriverManager registered its drivers from the application class loader, which this one does not see.
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> seen = new LinkedHashMap<>();
        try (RoutingDataSource router = RoutingDataSource.fromProperties(properties)) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().replicas().get(0).eligible());
            try (Connection c = router.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create temporary table without_jackson (id int)");
                seen.put("write in recovery", inRecovery(s));
            }
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                try (Statement s = c.createStatement()) {
                    seen.put("read in recovery", inRecovery(s));
                }
            }
            RouterStatus status = router.status();
            seen.put("primary writes", Long.toString(status.primary().routes(RouteReason.PRIMARY_WRITE)));
            seen.put("replica reads", Long.toString(status.replicas().get(0).routes(RouteReason.REPLICA)));
            try {
                seen.put("toJson", status.toJson());
            } catch (IllegalStateException e) {
                seen.put("toJson", e.getMessage());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return seen;
    }

    private static String inRecovery(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            return Boolean.toString(rs.getBoolean(1));
        }
    }
}
