package io.pgrouter.samples.orders;

import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The HTTP API: dashboard reads and order writes. */
@RestController
class OrdersController {

    private final OrderService orders;
    private final DashboardService dashboard;

    OrdersController(OrderService orders, DashboardService dashboard) {
        this.orders = orders;
        this.dashboard = dashboard;
    }

    /** A new order. */
    record NewOrder(long userId, List<OrderService.Line> lines) {}

    /** A status change. */
    record StatusChange(String status) {}

    @PostMapping("/orders")
    Map<String, Object> create(@RequestBody NewOrder order) {
        return Map.of("id", orders.create(order.userId(), order.lines()));
    }

    @PutMapping("/orders/{id}/status")
    ResponseEntity<Void> updateStatus(@PathVariable long id, @RequestBody StatusChange change) {
        return orders.updateStatus(id, change.status())
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @DeleteMapping("/orders/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        return orders.delete(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/dashboard/stats")
    Map<String, Object> stats() {
        return dashboard.stats();
    }

    @GetMapping("/dashboard/top-products")
    List<Map<String, Object>> topProducts(@RequestParam(defaultValue = "10") int limit) {
        return dashboard.topProducts(limit);
    }

    @GetMapping("/dashboard/users/{id}/orders")
    List<Map<String, Object>> recentOrders(@PathVariable long id) {
        return dashboard.recentOrders(id);
    }
}
