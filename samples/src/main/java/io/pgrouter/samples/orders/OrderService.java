package io.pgrouter.samples.orders;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Order writes: each one a transaction on the primary that also writes an audit_log row. */
@Service
public class OrderService {

    private final JdbcClient jdbc;

    OrderService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One line of a new order. */
    public record Line(long productId, int quantity) {}

    /** Creates an order with its lines; returns its id. */
    @Transactional
    public long create(long userId, List<Line> lines) {
        long id = jdbc.sql("INSERT INTO orders (user_id) VALUES (?) RETURNING id")
                .param(userId)
                .query(Long.class)
                .single();
        for (Line line : lines) {
            jdbc.sql("""
                    INSERT INTO order_items (order_id, product_id, quantity, price_cents)
                    SELECT ?, id, ?, price_cents FROM products WHERE id = ?
                    ON CONFLICT (order_id, product_id) DO UPDATE SET quantity = order_items.quantity + EXCLUDED.quantity
                    """).params(id, line.quantity(), line.productId()).update();
        }
        audit(id, "created");
        return id;
    }

    /** Sets an order's status; false when there is no such order. */
    @Transactional
    public boolean updateStatus(long orderId, String status) {
        int n = jdbc.sql("UPDATE orders SET status = ?, updated_at = now() WHERE id = ?")
                .params(status, orderId)
                .update();
        if (n > 0) {
            audit(orderId, "status " + status);
        }
        return n > 0;
    }

    /** Deletes an order and its lines; false when there is no such order. */
    @Transactional
    public boolean delete(long orderId) {
        int n = jdbc.sql("DELETE FROM orders WHERE id = ?").param(orderId).update();
        if (n > 0) {
            audit(orderId, "deleted");
        }
        return n > 0;
    }

    private void audit(long orderId, String action) {
        jdbc.sql("INSERT INTO audit_log (order_id, action) VALUES (?, ?)")
                .params(orderId, action)
                .update();
    }
}
