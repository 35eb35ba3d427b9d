package io.flowmasq.rest;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The API's JSON documents. Views are mapped by their record component names in snake_case
 * ({@code insideAddress} is {@code inside_address}), so renaming a component changes the wire format:
 * {@code JsonCodecTest} pins the field names. Nulls are written, so every document of a kind has the
 * same keys. Decoders exist for round-trip tests and future clients.
 */
final class JsonCodec {
    private final Gson gson = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeNulls()
            .disableHtmlEscaping()
            // Strict: a NaN or Infinity from the service must fail loudly, not print a document no client can parse.
            .setStrictness(Strictness.STRICT)
            .create();

    JsonObject health(HealthView health) {
        JsonObject o = new JsonObject();
        o.addProperty("status", health.ready() ? "ok" : "unavailable");
        o.addProperty("ready", health.ready());
        o.addProperty("engine_running", health.engineRunning());
        o.addProperty("switches_configured", health.switchesConfigured());
        o.addProperty("switches_connected", health.switchesConnected());
        return o;
    }

    JsonElement binding(BindingView binding) {
        return gson.toJsonTree(Objects.requireNonNull(binding, "binding"), BindingView.class);
    }

    BindingView decodeBinding(JsonElement document) {
        return gson.fromJson(document, BindingView.class);
    }

    /** A writer with this codec's settings, for documents written piece by piece. */
    JsonWriter newWriter(Writer out) throws IOException {
        return gson.newJsonWriter(out);
    }

    /** Opens a bindings page: {@code {"bindings":[}. Bindings follow, then {@link #endBindingsPage}. */
    void beginBindingsPage(JsonWriter out) throws IOException {
        out.beginObject().name("bindings").beginArray();
    }

    void writeBinding(JsonWriter out, BindingView binding) {
        gson.toJson(Objects.requireNonNull(binding, "binding"), BindingView.class, out);
    }

    /** {@code nextCursor} is null on the last page. */
    void endBindingsPage(JsonWriter out, int count, String nextCursor, Instant snapshotTime) throws IOException {
        out.endArray()
                .name("count").value(count)
                .name("next_cursor").value(nextCursor)
                .name("snapshot_time").value(timestamp(snapshotTime))
                .endObject();
    }

    List<BindingView> decodeBindings(JsonObject page) {
        return decodeList(page.getAsJsonArray("bindings"), BindingView.class);
    }

    JsonObject deleted(long id, boolean removed) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("removed", removed);
        return o;
    }

    JsonObject bulkDeleted(List<Long> removed) {
        JsonObject o = new JsonObject();
        o.add("removed", gson.toJsonTree(removed));
        o.addProperty("count", removed.size());
        return o;
    }

    JsonObject switches(List<SwitchView> switches) {
        JsonObject o = new JsonObject();
        o.add("switches", gson.toJsonTree(switches));
        return o;
    }

    List<SwitchView> decodeSwitches(JsonObject document) {
        return decodeList(document.getAsJsonArray("switches"), SwitchView.class);
    }

    /** Maps sorted by key, so operators and diffs see a stable order. */
    JsonObject stats(StatsView stats) {
        JsonObject o = new JsonObject();
        o.add("bindings_by_protocol", sorted(stats.bindingsByProtocol()));
        o.addProperty("bindings_total", stats.bindingsByProtocol().values().stream().mapToLong(Long::longValue).sum());
        o.addProperty("packet_ins_per_second", stats.packetInsPerSecond());
        o.add("counters", sorted(stats.counters()));
        return o;
    }

    StatsView decodeStats(JsonObject document) {
        return new StatsView(decodeLongs(document.getAsJsonObject("bindings_by_protocol")),
                document.get("packet_ins_per_second").getAsDouble(), decodeLongs(document.getAsJsonObject("counters")));
    }

    /**
     * {@code {"error": message, "field": field, ...details}}: {@code field} names the input at fault and is
     * left out when there is none; details (numbers, strings, lists) say more, e.g. the conflicting binding.
     */
    JsonObject error(String message, String field, Map<String, ?> details) {
        JsonObject o = new JsonObject();
        o.addProperty("error", Objects.requireNonNull(message, "message"));
        if (field != null) {
            o.addProperty("field", field);
        }
        details.forEach((name, value) -> o.add(name, tree(value)));
        return o;
    }

    /** A plain value (number, string, list of them) as JSON. */
    JsonElement tree(Object value) {
        return gson.toJsonTree(value);
    }

    String write(JsonElement element) {
        return gson.toJson(element);
    }

    JsonObject parse(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    private static JsonObject sorted(Map<String, Long> values) {
        JsonObject o = new JsonObject();
        new TreeMap<>(values).forEach(o::addProperty);
        return o;
    }

    private static SortedMap<String, Long> decodeLongs(JsonObject o) {
        SortedMap<String, Long> values = new TreeMap<>();
        o.entrySet().forEach(e -> values.put(e.getKey(), e.getValue().getAsLong()));
        return values;
    }

    private <T> List<T> decodeList(JsonArray array, Class<T> type) {
        List<T> out = new ArrayList<>(array.size());
        array.forEach(e -> out.add(gson.fromJson(e, type)));
        return List.copyOf(out);
    }
}
