package io.flowmasq.rest;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code POST /bindings}:
 * {@code {"switch": "00:00:00:00:00:00:00:01", "protocol": "tcp", "inside": "10.0.0.11:22", "public": "203.0.113.1:2222"}}
 * with {@code switch} optional. Strict: one JSON object of string members, no unknown or repeated
 * member; every error is a 400 naming the member at fault ({@code body} when it is the whole document).
 */
final class StaticBindingRequests {
    static final List<String> FIELDS = List.of("switch", "protocol", "inside", "public");
    static final Set<String> PROTOCOLS = Set.of("tcp", "udp");

    private StaticBindingRequests() {
    }

    static StaticBindingRequest decode(byte[] body) {
        Map<String, String> members = members(JsonBodies.utf8(body));
        String switchText = members.get("switch");
        Long dpid = switchText == null ? null : Dpids.require(switchText, "switch");
        String protocol = required(members, "protocol").toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw ApiException.badParameter("protocol", "'protocol' must be tcp or udp, got '"
                    + members.get("protocol") + "'");
        }
        Ipv4.HostPort inside = Ipv4.hostPort(required(members, "inside"), "inside");
        Ipv4.HostPort outside = Ipv4.hostPort(required(members, "public"), "public");
        return new StaticBindingRequest(dpid, protocol, inside.address(), inside.port(), outside.address(),
                outside.port());
    }

    private static String required(Map<String, String> members, String name) {
        String value = members.get(name);
        if (value == null) {
            throw ApiException.badParameter(name, "'" + name + "' is required");
        }
        return value;
    }

    /** The members by name; a JSON null counts as absent. */
    private static Map<String, String> members(String text) {
        if (text.isBlank()) {
            throw body("request body must be a JSON object; it is empty");
        }
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        Map<String, String> members = new LinkedHashMap<>();
        try {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw body("request body must be a JSON object");
            }
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!FIELDS.contains(name)) {
                    throw ApiException.badParameter(name, "unknown field '" + name + "'; expected "
                            + String.join(", ", FIELDS));
                }
                if (members.containsKey(name)) {
                    throw ApiException.badParameter(name, "field '" + name + "' given more than once");
                }
                JsonToken token = reader.peek();
                if (token == JsonToken.NULL) {
                    reader.nextNull();
                    members.put(name, null);
                } else if (token == JsonToken.STRING) {
                    members.put(name, reader.nextString());
                } else {
                    throw ApiException.badParameter(name, "'" + name + "' must be a string");
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw body("request body must hold one JSON object and nothing after it");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson's own message suggests lenient parsing to the reader of a log: not useful to a client.
            throw body("request body is not valid JSON");
        }
        return members;
    }

    private static ApiException body(String message) {
        return ApiException.badParameter("body", message);
    }
}
