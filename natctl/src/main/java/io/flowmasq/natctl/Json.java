package io.flowmasq.natctl;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Null-tolerant reads of API documents, and the pretty printer of {@code --json}. */
final class Json {
    static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

    private Json() {
    }

    /** The field as text; null when absent or JSON null. */
    static String text(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e == null || e.isJsonNull() ? null : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    static long number(JsonObject o, String key, long otherwise) {
        JsonElement e = o == null ? null : o.get(key);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? otherwise : e.getAsLong();
    }

    static JsonObject object(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    /** "10.0.0.11:40000" from the address and port fields with this prefix ("inside", "public"). */
    static String endpoint(JsonObject binding, String prefix) {
        return text(binding, prefix + "_address") + ":" + text(binding, prefix + "_port");
    }
}
