package io.flowmasq.natctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One line per rule for people: what the rule translates ({@link #summary}) and how it is doing
 * ({@link #status}). Reads the API's rule views, which are written as the config writes rules.
 */
final class RuleText {
    private RuleText() {
    }

    static String summary(JsonObject rule) {
        String type = Json.text(rule, "type");
        String match = match(Json.object(rule, "match"));
        return switch (type == null ? "" : type) {
            case "masquerade" -> match + " -> " + addresses(rule, "outside address");
            case "pool" -> match + " -> pool " + addresses(rule, "-")
                    + (Json.text(rule, "fallback") == null ? "" : " (fallback " + Json.text(rule, "fallback") + ")");
            case "static", "netmap" -> Json.text(rule, "inside") + " <-> " + Json.text(rule, "public")
                    + (match.equals("any") ? "" : " (" + match + ")");
            case "twice" -> Json.text(rule, "inside") + " as " + Json.text(rule, "insideAs") + " <-> "
                    + Json.text(rule, "outside") + " as " + Json.text(rule, "outsideAs");
            case "portForward" -> Json.text(rule, "protocol") + " " + Json.text(rule, "public") + " -> "
                    + Json.text(rule, "inside");
            case "virtualServer" -> Json.text(rule, "protocol") + " " + Json.text(rule, "public") + " -> "
                    + servers(rule.get("servers")) + " " + (Json.text(rule, "policy") == null ? "weighted"
                    : Json.text(rule, "policy"));
            default -> "-";
        };
    }

    /** The status's "state" first, then its other plain members as name=value; "-" when there is nothing. */
    static String status(JsonObject rule) {
        JsonObject status = Json.object(rule, "status");
        if (status == null) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        String state = Json.text(status, "state");
        if (state != null) {
            parts.add(state);
        }
        for (Map.Entry<String, JsonElement> e : status.entrySet()) {
            if (!e.getKey().equals("state") && e.getValue().isJsonPrimitive()) {
                parts.add(e.getKey() + "=" + e.getValue().getAsString());
            }
        }
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }

    /** "from 10.0.0.0/24 to 198.51.100.0/24 tcp port 80"; members that are any are left out. */
    private static String match(JsonObject match) {
        List<String> parts = new ArrayList<>();
        add(parts, "from ", Json.text(match, "inside"));
        add(parts, "to ", Json.text(match, "outside"));
        add(parts, "", Json.text(match, "protocol"));
        String ports = Json.text(match, "ports");
        if (ports != null && !ports.equals("1-65535")) {
            add(parts, "port ", ports);
        }
        return parts.isEmpty() ? "any" : String.join(" ", parts);
    }

    private static void add(List<String> parts, String prefix, String value) {
        if (value != null && !value.equals("any") && !value.equals("0.0.0.0/0")) {
            parts.add(prefix + value);
        }
    }

    private static String addresses(JsonObject rule, String whenEmpty) {
        JsonElement list = rule.get("addresses");
        if (list == null || !list.isJsonArray() || list.getAsJsonArray().isEmpty()) {
            return whenEmpty;
        }
        List<String> out = new ArrayList<>();
        list.getAsJsonArray().forEach(a -> out.add(a.isJsonPrimitive() ? a.getAsString() : a.toString()));
        return String.join(",", out);
    }

    /** "10.0.0.13:80*3,10.0.0.14:80*1": address and weight. */
    private static String servers(JsonElement servers) {
        if (servers == null || !servers.isJsonArray()) {
            return "-";
        }
        List<String> out = new ArrayList<>();
        for (JsonElement s : (JsonArray) servers) {
            JsonObject server = s.isJsonObject() ? s.getAsJsonObject() : null;
            String weight = Json.text(server, "weight");
            out.add(Json.text(server, "address") + "*" + (weight == null ? "1" : weight));
        }
        return String.join(",", out);
    }
}
