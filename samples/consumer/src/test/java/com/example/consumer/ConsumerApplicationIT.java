package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The service started as its main method would, against a primary and a replica from pgrouter's test kit. */
@PostgresReplicaSet(replicas = 1)
class ConsumerApplicationIT {

    static ReplicaSet cluster;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private ConfigurableApplicationContext app;
    private String base;

    @BeforeEach
    void start() {
        app = new SpringApplicationBuilder(ConsumerApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + cluster.primary().jdbcUrl(),
                "--spring.datasource.username=" + cluster.user(),
                "--spring.datasource.password=" + cluster.password(),
                "--pgrouter.replicas[0].url=" + cluster.replica(0).jdbcUrl());
        base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void writesGoToThePrimary() throws Exception {
        String body = send(HttpRequest.newBuilder(URI.create(base + "/visits"))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(body).contains("\"in_recovery\":false", "\"port\":" + cluster.primary().port());
    }

    @Test
    void readsGoToTheReplica() {
        // Until its first probe answers, the router cannot know the replica is fresh and reads the primary.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(send(HttpRequest.newBuilder(URI.create(base + "/visits/server")).GET()))
                        .contains("\"in_recovery\":true", "\"port\":" + cluster.replica(0).port()));
    }

    private String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
