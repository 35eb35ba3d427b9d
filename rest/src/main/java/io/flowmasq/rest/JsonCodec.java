package io.flowmasq.rest;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The API's JSON documents. Views are mapped by their record component names, so renaming a component
 * changes the wire format: {@code JsonCodecTest} pins the field names. Nulls are written, so every
 * document of a kind has the same keys. Decoders exist for round-trip tests and future clients.
 */
final class JsonCodec {
    private final Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    JsonObject health(boolean ready) {
        JsonObject o = new JsonObject();
        o.addProperty("status", ready ? "ok" : "starting");
        o.addProperty("ready", ready);
        return o;
    }

    JsonObject bindings(List<BindingView> bindings) {
        JsonObject o = new JsonObject();
        o.add("bindings", gson.toJsonTree(bindings));
        o.addProperty("count", bindings.size());
        return o;
    }

    List<BindingView> decodeBindings(JsonObject document) {
        return decodeList(document.getAsJsonArray("bindings"), BindingView.class);
    }

    JsonObject switches(List<SwitchView> switches) {
        JsonObject o = new JsonObject();
        o.add("switches", gson.toJsonTree(switches));
        return o;
    }

    List<SwitchView> decodeSwitches(JsonObject document) {
        return decodeList(document.getAsJsonArray("switches"), SwitchView.class);
    }

    /** Counters sorted by name, so operators and diffs see a stable order. */
    JsonObject counters(Map<String, Long> counters) {
        JsonObject values = new JsonObject();
        new TreeMap<>(counters).forEach(values::addProperty);
        JsonObject o = new JsonObject();
        o.add("counters", values);
        return o;
    }

    SortedMap<String, Long> decodeCounters(JsonObject document) {
        SortedMap<String, Long> counters = new TreeMap<>();
        document.getAsJsonObject("counters").entrySet()
                .forEach(e -> counters.put(e.getKey(), e.getValue().getAsLong()));
        return counters;
    }

    /** {@code {"error": message, ...details}}; details name what the error is about (field, path, ...). */
    JsonObject error(String message, Map<String, String> details) {
        JsonObject o = new JsonObject();
        o.addProperty("error", Objects.requireNonNull(message, "message"));
        details.forEach(o::addProperty);
        return o;
    }

    String write(JsonElement element) {
        return gson.toJson(element);
    }

    JsonObject parse(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    private <T> List<T> decodeList(JsonArray array, Class<T> type) {
        List<T> out = new ArrayList<>(array.size());
        array.forEach(e -> out.add(gson.fromJson(e, type)));
        return List.copyOf(out);
    }
}
