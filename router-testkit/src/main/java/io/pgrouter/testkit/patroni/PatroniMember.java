package io.pgrouter.testkit.patroni;

import java.net.URI;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A member of a {@link PatroniCluster} as Patroni's REST API ({@code GET /cluster}) lists it at one moment.
 *
 * @param name the member's name, such as {@code member-1}
 * @param host the host PostgreSQL listens on ({@code 127.0.0.1})
 * @param pgPort the port PostgreSQL listens on
 * @param restUrl the base URL of the member's Patroni REST API, such as {@code http://127.0.0.1:8008/}
 * @param role Patroni's role: {@code leader}, {@code replica}, {@code sync_standby} or {@code standby_leader}
 * @param state Patroni's state of PostgreSQL: {@code running}, {@code starting}, {@code stopping}, {@code stopped},
 *     {@code creating replica}, {@code restarting}, ...
 * @param timeline the PostgreSQL timeline the member is on; 0 when Patroni does not say
 * @param lagBytes how many bytes of WAL the member is behind the leader as Patroni last saw it; {@code null} for the
 *     leader and when Patroni does not know
 */
public record PatroniMember(
        String name, String host, int pgPort, URI restUrl, String role, String state, int timeline, Long lagBytes) {

    public PatroniMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(restUrl, "restUrl");
    }

    /** Whether Patroni lists this member as the leader. */
    public boolean isLeader() {
        return "leader".equals(role);
    }

    /** Whether Patroni says its PostgreSQL is running. */
    public boolean isRunning() {
        return "running".equals(state);
    }

    /** Reads one entry of {@code /cluster}'s {@code members} array. */
    static PatroniMember fromJson(JsonNode member) {
        // api_url names the /patroni endpoint; the REST API's base is its root.
        URI restUrl = URI.create(text(member, "api_url")).resolve("/");
        JsonNode lag = member.path("lag");
        return new PatroniMember(
                text(member, "name"),
                text(member, "host"),
                member.path("port").asInt(0),
                restUrl,
                text(member, "role"),
                text(member, "state"),
                member.path("timeline").asInt(0),
                lag.isNumber() ? lag.asLong() : null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.asString() : null;
    }
}
