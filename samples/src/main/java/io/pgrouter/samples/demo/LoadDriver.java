package io.pgrouter.samples.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the orders service over HTTP at a fixed rate (open loop): writes at {@code opsPerSecond} (50% new orders,
 * 40% status updates, 10% deletes, each with an audit row) and dashboard reads at twice that. Counts every
 * outcome; a request that fails (an error status or no answer) is kept with its reason.
 */
public final class LoadDriver implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final Pattern SERVED_BY = Pattern.compile("\"served_by\"\\s*:\\s*\"(replica|primary)\"");
    private static final String[] STATUSES = {"paid", "shipped", "cancelled"};

    private final HttpClient http;
    private final String base;
    private final ScheduledExecutorService ticker;
    private final ExecutorService workers;
    private final ConcurrentLinkedDeque<Long> orderIds = new ConcurrentLinkedDeque<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /**
     * Starts driving {@code baseUrl} at once.
     *
     * @param seededOrders ids 1..seededOrders exist at start, for updates and deletes
     */
    public LoadDriver(String baseUrl, int opsPerSecond, int seededOrders) {
        this.base = baseUrl;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (long id = 1; id <= seededOrders; id++) {
            orderIds.add(id);
        }
        this.workers = Executors.newFixedThreadPool(16, daemon("demo-load"));
        this.ticker = Executors.newScheduledThreadPool(2, daemon("demo-ticker"));
        long writeEvery = Math.max(1, 1_000_000 / Math.max(1, opsPerSecond));
        long readEvery = Math.max(1, writeEvery / 2);
        ticker.scheduleAtFixedRate(() -> submit(this::write), 0, writeEvery, TimeUnit.MICROSECONDS);
        ticker.scheduleAtFixedRate(() -> submit(this::read), readEvery / 2, readEvery, TimeUnit.MICROSECONDS);
    }

    private void submit(Runnable request) {
        if (running) {
            workers.execute(request);
        }
    }

    private void write() {
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < 50) {
            long user = 1 + ThreadLocalRandom.current().nextInt(1000);
            long product = 1 + ThreadLocalRandom.current().nextInt(500);
            String body = "{\"userId\":" + user + ",\"lines\":[{\"productId\":" + product + ",\"quantity\":"
                    + (1 + ThreadLocalRandom.current().nextInt(3)) + "}]}";
            String answer = send(
                    "insert", HttpRequest.newBuilder(uri("/orders")).POST(HttpRequest.BodyPublishers.ofString(body)));
            if (answer != null) {
                Matcher m = ID.matcher(answer);
                if (m.find()) {
                    orderIds.add(Long.parseLong(m.group(1)));
                }
            }
        } else if (dice < 90) {
            Long id = orderIds.peekLast();
            if (id != null) {
                String status = STATUSES[ThreadLocalRandom.current().nextInt(STATUSES.length)];
                send(
                        "update",
                        HttpRequest.newBuilder(uri("/orders/" + id + "/status"))
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"" + status + "\"}")));
            }
        } else {
            Long id = orderIds.pollFirst();
            if (id != null) {
                send("delete", HttpRequest.newBuilder(uri("/orders/" + id)).DELETE());
            }
        }
    }

    private void read() {
        String path = switch (ThreadLocalRandom.current().nextInt(3)) {
            case 0 -> "/dashboard/stats";
            case 1 -> "/dashboard/top-products?limit=5";
            default -> "/dashboard/users/" + (1 + ThreadLocalRandom.current().nextInt(1000)) + "/orders";
        };
        String answer = send("read", HttpRequest.newBuilder(uri(path)).GET());
        if (answer != null) {
            Matcher m = SERVED_BY.matcher(answer);
            count(m.find() ? "read on " + m.group(1) : "read, no rows");
        }
    }

    private String send(String kind, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(
                    request.header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                count(kind);
                return response.body();
            }
            fail(kind, "HTTP " + response.statusCode() + " " + abbreviate(response.body()));
        } catch (java.io.IOException e) {
            fail(kind, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private void fail(String kind, String why) {
        if (running) {
            failures.computeIfAbsent(kind + ": " + why, k -> new LongAdder()).increment();
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /**
     * Successful requests so far, by kind: {@code insert}, {@code update}, {@code delete}, {@code read}; and reads
     * again by where they ran: {@code read on replica}, {@code read on primary} ({@code read, no rows} when the
     * answer had no row to tell it).
     */
    public Map<String, Long> counts() {
        return snapshot(counts);
    }

    /** Failed requests so far, by kind and reason. */
    public Map<String, Long> failures() {
        return snapshot(failures);
    }

    /** How many requests failed. */
    public long failureCount() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
        Map<String, Long> copy = new java.util.TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Stops sending and waits (bounded) for requests in flight. */
    @Override
    public void close() {
        running = false;
        ticker.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
