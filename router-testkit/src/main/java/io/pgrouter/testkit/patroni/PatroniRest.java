package io.pgrouter.testkit.patroni;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP calls to Patroni's REST API, etcd's health endpoint and HAProxy's statistics page, each with a connect and a request timeout. */
final class PatroniRest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Patroni answers a switchover once it is done; it waits for the old leader to stop and the new one to promote. */
    private static final Duration SWITCHOVER_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /**
     * An HTTP answer.
     *
     * @param status the status code
     * @param body the body as text
     */
    record Response(int status, String body) {}

    /** {@code GET uri}; empty when nothing answers (refused, timed out). */
    Optional<Response> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build());
    }

    /** Patroni's view of the cluster ({@code GET /cluster}) from the member at {@code restUrl}; empty when it does not answer. */
    Optional<JsonNode> cluster(URI restUrl) {
        return get(restUrl.resolve("/cluster"))
                .filter(r -> r.status() == 200)
                .map(r -> JsonMapper.shared().readTree(r.body()));
    }

    /** Whether {@code GET path} on the member at {@code restUrl} answers 200, as HAProxy's health check asks. */
    boolean healthy(URI restUrl, String path) {
        return get(restUrl.resolve(path)).map(r -> r.status() == 200).orElse(false);
    }

    /** {@code POST /switchover} to the leader; fails with Patroni's answer unless it is 200. */
    void switchover(URI leaderRestUrl, String leader, String candidate) {
        String body =
                JsonMapper.shared().writeValueAsString(java.util.Map.of("leader", leader, "candidate", candidate));
        HttpRequest request = HttpRequest.newBuilder(leaderRestUrl.resolve("/switchover"))
                .timeout(SWITCHOVER_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Response response = send(request)
                .orElseThrow(
                        () -> new IllegalStateException("Switchover from " + leader + " to " + candidate + " failed: "
                                + leaderRestUrl + " did not answer within " + SWITCHOVER_TIMEOUT.toSeconds() + " s"));
        if (response.status() != 200) {
            throw new IllegalStateException(
                    "Switchover from " + leader + " to " + candidate + " failed: Patroni answered " + response.status()
                            + " " + response.body().strip());
        }
    }

    private Optional<Response> send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return Optional.of(new Response(response.statusCode(), response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + request.uri(), e);
        }
    }
}
