package io.pgrouter.topology;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the answer of Patroni's {@code GET /cluster} with Jackson's streaming parser: {@code {"members": [{"name",
 * "role", "state", "host", "port", "timeline", "lag", "tags": {...}}, ...], ...}}. Unknown fields are skipped, so that
 * newer Patroni versions read the same.
 */
final class PatroniClusterJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private PatroniClusterJson() {}

    /**
     * The members listed in {@code body}, which this closes.
     *
     * @throws IOException when the body is not such an object, or a member lacks its name, host or port
     */
    static List<TopologyMember> members(InputStream body) throws IOException {
        try (body;
                JsonParser json = FACTORY.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the answer of /cluster is not a JSON object");
            }
            List<TopologyMember> members = null;
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals("members") && value == JsonToken.START_ARRAY) {
                    members = new ArrayList<>();
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        members.add(member(json));
                    }
                } else {
                    json.skipChildren();
                }
            }
            if (members == null) {
                throw new IOException("the answer of /cluster has no members array");
            }
            return List.copyOf(members);
        } catch (JacksonException e) {
            throw new IOException("the answer of /cluster is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static TopologyMember member(JsonParser json) throws IOException {
        String name = null;
        String role = null;
        String state = null;
        String host = null;
        int port = 0;
        long timeline = 0;
        long lag = -1;
        boolean noLoadBalance = false;
        boolean noFailover = false;
        while (json.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "name" -> name = json.getValueAsString();
                case "role" -> role = json.getValueAsString();
                case "state" -> state = json.getValueAsString();
                case "host" -> host = json.getValueAsString();
                case "port" -> port = (int) json.getValueAsLong(0);
                case "timeline" -> timeline = json.getValueAsLong(0);
                // A number, or "unknown" when Patroni cannot tell.
                case "lag" -> lag = value == JsonToken.VALUE_NUMBER_INT ? json.getLongValue() : -1;
                case "tags" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                            String tag = json.currentName();
                            json.nextToken();
                            boolean set = truthy(json);
                            json.skipChildren();
                            if (tag.equals("noloadbalance")) {
                                noLoadBalance = set;
                            } else if (tag.equals("nofailover")) {
                                noFailover = set;
                            }
                        }
                    }
                }
                default -> json.skipChildren();
            }
        }
        if (name == null || host == null || port == 0) {
            throw new IOException("a member of /cluster lacks its name, host or port (name " + name + ")");
        }
        String lowerRole = role == null ? "" : role.toLowerCase(Locale.ROOT);
        boolean leader = lowerRole.equals("leader") || lowerRole.equals("master") || lowerRole.equals("primary");
        return new TopologyMember(
                name, host, port, leader, noLoadBalance, noFailover, state, timeline, leader ? -1 : lag);
    }

    /** Patroni takes a tag as set when it is true, or a string or number that reads as true. */
    private static boolean truthy(JsonParser json) {
        JsonToken t = json.currentToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return json.getValueAsLong(0) != 0;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = json.getValueAsString().trim().toLowerCase(Locale.ROOT);
            return s.equals("true") || s.equals("on") || s.equals("yes") || s.equals("1");
        }
        return false;
    }
}
