package io.pgrouter.spring.it.causal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.RouteReason;
import io.pgrouter.RoutingDataSource;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Two instances of a service (two Spring contexts, one cluster, a replica that applies commits 200 ms late): a
 * client writes through one and reads through the other. Passing the consistency header, it never misses its write;
 * without it, it does.
 */
@PostgresReplicaSet(replicas = 1, isolated = true)
class ConsistencyHeaderIT {

    static ReplicaSet cluster;
    private static ConfigurableApplicationContext writer;
    private static ConfigurableApplicationContext reader;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        try (Connection c = cluster.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists causal_notes (id bigserial primary key, note text)");
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
        cluster.replica(0).setReplayDelay(Duration.ofMillis(200));
        writer = instance();
        reader = instance();
    }

    private static ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(NotesApplication.class)
                .properties(
                        "server.port=0",
                        "spring.jpa.open-in-view=false",
                        "pgrouter.probe.interval=200ms",
                        "pgrouter.consistency.enabled=true",
                        "pgrouter.primary.url=" + cluster.primary().jdbcUrl(),
                        "pgrouter.primary.username=" + cluster.user(),
                        "pgrouter.primary.password=" + cluster.password(),
                        "pgrouter.replicas[0].url=" + cluster.replica(0).jdbcUrl())
                .run();
    }

    @AfterAll
    static void stop() {
        if (writer != null) {
            writer.close();
        }
        if (reader != null) {
            reader.close();
        }
        cluster.replica(0).setReplayDelay(Duration.ZERO);
    }

    private static RestClient client(ConfigurableApplicationContext app) {
        return RestClient.builder()
                .baseUrl("http://localhost:" + app.getEnvironment().getProperty("local.server.port"))
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
                .build();
    }

    /** Writes through one instance and reads through the other; returns the number of reads that missed the write. */
    private static long pairs(int threads, int perThread, boolean passHeader) throws Exception {
        RestClient write = client(writer);
        RestClient read = client(reader);
        LongAdder missed = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    String token = null;
                    for (int i = 0; i < perThread; i++) {
                        String sent = token;
                        ResponseEntity<Long> written = write.post()
                                .uri("/notes")
                                .headers(h -> {
                                    if (sent != null) {
                                        h.set("Pgrouter-Consistency", sent);
                                    }
                                })
                                .retrieve()
                                .toEntity(Long.class);
                        String fresh = written.getHeaders().getFirst("Pgrouter-Consistency");
                        assertThat(fresh).as("the write's token").isNotBlank();
                        token = passHeader ? fresh : null;
                        String readToken = token;
                        ResponseEntity<String> found = read.get()
                                .uri("/notes/{id}", written.getBody())
                                .headers(h -> {
                                    if (readToken != null) {
                                        h.set("Pgrouter-Consistency", readToken);
                                    }
                                })
                                .retrieve()
                                .toEntity(String.class);
                        if (found.getStatusCode().value() == 404) {
                            missed.increment();
                        } else {
                            assertThat(found.getStatusCode().value()).isEqualTo(200);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return missed.sum();
    }

    @Test
    void passingTheHeaderNoReadThroughTheOtherInstanceMissesTheWrite() throws Exception {
        // The bar: at least 10,000 pairs across two instances.
        int threads = 16;
        int perThread = 625;

        long missed = pairs(threads, perThread, true);

        RoutingDataSource readerRouter = reader.getBean(RoutingDataSource.class);
        System.out.printf(
                "two instances, header passed: %d pairs, %d missed; reader routes: primary causal %d, replica"
                        + " caught up %d, after wait %d%n",
                threads * perThread,
                missed,
                readerRouter.status().primary().routes(RouteReason.PRIMARY_CAUSAL),
                readerRouter.status().replicas().get(0).routes(RouteReason.REPLICA_CAUGHT_UP),
                readerRouter.status().replicas().get(0).routes(RouteReason.REPLICA_AFTER_WAIT));
        assertThat(missed).isZero();
    }

    @Test
    void withoutTheHeaderReadsThroughTheOtherInstanceMissWrites() throws Exception {
        long missed = pairs(4, 50, false);

        System.out.printf("two instances, no header: 200 pairs, %d missed%n", missed);
        assertThat(missed).isPositive();
    }
}
