package io.pgrouter.samples.orders;

import io.pgrouter.spring.ReadOnly;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Dashboard queries: all of them read, so the whole service is {@code @ReadOnly} and runs on a replica when one
 * is fresh enough. Each answer says which server ran it, so the demo can count where reads went.
 */
@Service
@ReadOnly
public class DashboardService {

    private static final String SERVED_BY =
            "(SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END) AS served_by";

    private final JdbcClient jdbc;

    DashboardService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Order counts per status and revenue. */
    public Map<String, Object> stats() {
        return jdbc.sql("""
                SELECT count(*) AS orders,
                       count(*) FILTER (WHERE status = 'new') AS new,
                       count(*) FILTER (WHERE status = 'paid') AS paid,
                       count(*) FILTER (WHERE status = 'shipped') AS shipped,
                       (SELECT coalesce(sum(quantity * price_cents), 0) FROM order_items) AS revenue_cents,
                       """ + SERVED_BY + " FROM orders").query().singleRow();
    }

    /** The best-selling products. */
    public List<Map<String, Object>> topProducts(int limit) {
        return jdbc.sql("""
                SELECT p.id, p.name, sum(i.quantity) AS sold, """ + SERVED_BY + """
                  FROM order_items i JOIN products p ON p.id = i.product_id
                 GROUP BY p.id, p.name ORDER BY sold DESC, p.id LIMIT ?
                """).param(limit).query().listOfRows();
    }

    /** A user's most recent orders. */
    public List<Map<String, Object>> recentOrders(long userId) {
        return jdbc.sql("SELECT id, status, created_at, " + SERVED_BY
                        + " FROM orders WHERE user_id = ? ORDER BY created_at DESC LIMIT 10")
                .param(userId)
                .query()
                .listOfRows();
    }
}
