package io.flowmasq.controller.config;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds object keys written twice. Gson's tree keeps only the last value of a repeated key, so
 * {@code "udp": 3, ..., "udp": 300} would silently lose the first; this pass over the token stream
 * reports it instead. Run only on text that is known to be valid JSON.
 */
final class DuplicateKeys {
    private DuplicateKeys() {
    }

    static void check(String json, Problems problems) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        Deque<Set<String>> open = new ArrayDeque<>();
        while (true) {
            switch (reader.peek()) {
                case BEGIN_OBJECT -> {
                    reader.beginObject();
                    open.push(new HashSet<>());
                }
                case END_OBJECT -> {
                    reader.endObject();
                    open.pop();
                }
                case BEGIN_ARRAY -> reader.beginArray();
                case END_ARRAY -> reader.endArray();
                case NAME -> {
                    String name = reader.nextName();
                    if (!open.peek().add(name)) {
                        problems.error(pathOf(reader), "field appears twice");
                    }
                }
                case END_DOCUMENT -> {
                    return;
                }
                default -> reader.skipValue();
            }
        }
    }

    /** Gson's path "$.switches[0].timers.udp" in the file's notation, "switches[0].timers.udp". */
    private static String pathOf(JsonReader reader) {
        String path = reader.getPath();
        return path.startsWith("$.") ? path.substring(2) : path.substring(1);
    }
}
