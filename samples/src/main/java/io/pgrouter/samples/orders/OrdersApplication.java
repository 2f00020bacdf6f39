package io.pgrouter.samples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample service: an orders API whose dashboard reads go to replicas ({@code @ReadOnly}) and whose order
 * writes go to the primary. Run it against any primary and replica with the {@code pgrouter.*} properties or the
 * environment variables of {@code docs/configuration.md}.
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
