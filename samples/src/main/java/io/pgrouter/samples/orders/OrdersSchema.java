package io.pgrouter.samples.orders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates the orders schema and seeds it (1,000 users, 500 products, 2,000 orders with their items) when the
 * database has none yet. Runs on the primary: it writes.
 */
@Component
class OrdersSchema implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(OrdersSchema.class);

    /** The orders tables and indexes, without rows: what a cutover target needs before it subscribes. */
    static final String TABLES = """
                CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL,
                                    created_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE products (id bigserial PRIMARY KEY, sku text NOT NULL UNIQUE, name text NOT NULL,
                                       price_cents int NOT NULL CHECK (price_cents > 0));
                CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users,
                                     status text NOT NULL DEFAULT 'new', created_at timestamptz NOT NULL DEFAULT now(),
                                     updated_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
                                          product_id bigint NOT NULL REFERENCES products, quantity int NOT NULL,
                                          price_cents int NOT NULL, PRIMARY KEY (order_id, product_id));
                CREATE TABLE audit_log (id bigserial PRIMARY KEY, order_id bigint NOT NULL, action text NOT NULL,
                                        at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX orders_user ON orders (user_id);
                CREATE INDEX orders_created ON orders (created_at);
                """;

    private static final String SEED = """
                INSERT INTO users (email, name)
                     SELECT 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, 1000) i;
                INSERT INTO products (sku, name, price_cents)
                     SELECT 'SKU-' || i, 'Product ' || i, 100 + (i * 37) % 9900 FROM generate_series(1, 500) i;
                INSERT INTO orders (user_id, status, created_at)
                     SELECT 1 + (i * 7) % 1000, (ARRAY['new', 'paid', 'shipped'])[1 + i % 3], now() - (i || ' minutes')::interval
                       FROM generate_series(1, 2000) i;
                INSERT INTO order_items (order_id, product_id, quantity, price_cents)
                     SELECT o.id, p.product_id, 1 + (o.id + p.product_id) % 3, pr.price_cents
                       FROM orders o
                       CROSS JOIN LATERAL (SELECT DISTINCT 1 + ((o.id * k * 13) % 500) AS product_id FROM generate_series(1, 3) k) p
                       JOIN products pr ON pr.id = p.product_id;
                """;

    private final JdbcClient jdbc;
    private final boolean seed;

    OrdersSchema(JdbcClient jdbc, @Value("${orders.seed:true}") boolean seed) {
        this.jdbc = jdbc;
        this.seed = seed;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (!seed) {
            return;
        }
        Boolean exists = jdbc.sql("SELECT to_regclass('public.orders') IS NOT NULL")
                .query(Boolean.class)
                .single();
        if (Boolean.TRUE.equals(exists)) {
            return;
        }
        long started = System.nanoTime();
        jdbc.sql(TABLES + SEED).update();
        log.info(
                "Orders schema created and seeded (1000 users, 500 products, 2000 orders) in {} ms",
                (System.nanoTime() - started) / 1_000_000);
    }
}
