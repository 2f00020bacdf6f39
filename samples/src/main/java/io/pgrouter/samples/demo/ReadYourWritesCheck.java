package io.pgrouter.samples.demo;

import io.pgrouter.testkit.PostgresNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code consistency} scenario: the replica applies commits 500 ms late, and a client writes an order over HTTP
 * and at once reads the user's recent orders back, first without the consistency token (the read goes to the replica
 * and misses the order), then passing the token the write's response carried in its {@code Pgrouter-Consistency}
 * header (the read sees it: on the replica once it replayed the order, else on the primary).
 */
public final class ReadYourWritesCheck {

    /** The scenario's name for {@code --scenario}. */
    public static final String SCENARIO = "consistency";
    /** The header the service's filter reads and writes (its default). */
    static final String HEADER = "Pgrouter-Consistency";

    private static final int PAIRS = 40;
    // Longer than a write and a read over HTTP on a busy machine, shorter than the service's max-delay (1 s).
    private static final Duration DELAY = Duration.ofMillis(500);
    private static final long USER = 1000;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private final String baseUrl;
    private final PostgresNode replica;
    private final PrintStream out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private long missedWithToken;
    private long failed;

    public ReadYourWritesCheck(String baseUrl, PostgresNode replica, PrintStream out) {
        this.baseUrl = baseUrl;
        this.replica = replica;
        this.out = out;
    }

    /** What the service needs for {@code scenario}: the consistency filter on for this one. */
    public static Map<String, String> properties(String scenario) {
        return isThisScenario(scenario) ? Map.of("pgrouter.consistency.enabled", "true") : Map.of();
    }

    private static boolean isThisScenario(String scenario) {
        return SCENARIO.equals(scenario.toLowerCase(Locale.ROOT));
    }

    /** This scenario's steps (none for another scenario). */
    List<Scenario.Step> steps(String scenario) {
        if (!isThisScenario(scenario)) {
            return List.of();
        }
        return List.of(
                new Scenario.Step(
                        0.05,
                        "replay delayed",
                        "delay WAL replay on " + replica.name() + " by " + DELAY.toMillis() + " ms",
                        () -> replica.setReplayDelay(DELAY)),
                new Scenario.Step(
                        0.20,
                        "read-your-writes, no token",
                        "write an order, read it back at once without the token, " + PAIRS + " times",
                        () -> check(false)),
                new Scenario.Step(
                        0.45,
                        "read-your-writes, token",
                        "write an order, read it back at once with the " + HEADER + " header, " + PAIRS + " times",
                        () -> check(true)),
                new Scenario.Step(
                        0.75,
                        "replay on time",
                        "replay on " + replica.name() + " without delay again",
                        () -> replica.setReplayDelay(Duration.ZERO)));
    }

    /** Reads with the token that missed their write, and pairs that failed: the demo fails on either. */
    public long failures() {
        return missedWithToken + failed;
    }

    private void check(boolean withToken) {
        int missed = 0;
        int done = 0;
        for (int i = 0; i < PAIRS; i++) {
            try {
                HttpResponse<String> written = http.send(
                        HttpRequest.newBuilder(uri("/orders"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"userId\":" + USER + ",\"lines\":[{\"productId\":1,\"quantity\":1}]}"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher id = ID.matcher(written.body());
                if (written.statusCode() != 200 || !id.find()) {
                    failed++;
                    continue;
                }
                HttpRequest.Builder read = HttpRequest.newBuilder(uri("/dashboard/users/" + USER + "/orders"))
                        .timeout(Duration.ofSeconds(10));
                String token = written.headers().firstValue(HEADER).orElse("");
                if (withToken && !token.isEmpty()) {
                    read.header(HEADER, token);
                }
                HttpResponse<String> back = http.send(read.build(), HttpResponse.BodyHandlers.ofString());
                if (back.statusCode() != 200) {
                    failed++;
                    continue;
                }
                done++;
                if (!Pattern.compile("\"id\"\\s*:\\s*" + id.group(1) + "\\b")
                        .matcher(back.body())
                        .find()) {
                    missed++;
                }
            } catch (IOException e) {
                failed++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (withToken) {
            missedWithToken += missed;
        }
        out.printf(
                "  >>> %s: %d of %d reads right after their write missed it%s%n",
                withToken ? "with the token" : "without the token",
                missed,
                done,
                withToken ? "" : " (stale replica reads)");
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }
}
