package io.flowmasq.controller.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One JSON value of the file together with its path ({@code switches[0].outside.port}). The typed
 * reads report a mistake as {@code <path>: <value as JSON> <problem>} and return null, so that a
 * reader can go on and find the next mistake.
 */
final class ConfigNode {
    /** How messages name the top-level value, which has an empty path. */
    static final String ROOT_LABEL = "(file)";

    private static final int MAX_QUOTE = 60;

    private final String path;
    private final JsonElement value;
    private final Problems problems;

    ConfigNode(String path, JsonElement value, Problems problems) {
        this.path = path;
        this.value = value;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    /** The value as compact JSON, shortened if long, for quoting in a message. */
    String json() {
        String text = value.toString();
        return text.length() <= MAX_QUOTE ? text : text.substring(0, MAX_QUOTE - 3) + "...";
    }

    void error(String problem) {
        problems.error(path, problem);
    }

    void warn(String problem) {
        problems.warn(path, problem);
    }

    Problems problems() {
        return problems;
    }

    /** The same node without the object field {@code name} (a field read apart from the rest). */
    ConfigNode without(String name) {
        if (!value.isJsonObject()) {
            return this;
        }
        JsonObject copy = value.getAsJsonObject().deepCopy();
        copy.remove(name);
        return new ConfigNode(path, copy, problems);
    }

    /** Whether the value is a JSON object; reports nothing. */
    boolean isObject() {
        return value.isJsonObject();
    }

    /** The field {@code name} of an object value, or null when the value is no object or has no such field. */
    ConfigNode member(String name) {
        if (!value.isJsonObject() || !value.getAsJsonObject().has(name)) {
            return null;
        }
        return new ConfigNode(path.isEmpty() ? name : path + "." + name, value.getAsJsonObject().get(name), problems);
    }

    /** The field names of an object value (empty for anything else). */
    Set<String> keys() {
        return value.isJsonObject() ? value.getAsJsonObject().keySet() : Set.of();
    }

    /** The value as an object whose fields must all be among {@code known}; unknown ones are reported. */
    ConfigObject object(Set<String> known) {
        if (!value.isJsonObject()) {
            error(json() + " is not an object");
            return null;
        }
        return new ConfigObject(this, value.getAsJsonObject(), known);
    }

    /** The elements of an array (possibly empty), each with its own path. */
    List<ConfigNode> array() {
        if (!value.isJsonArray()) {
            error(json() + " is not an array");
            return null;
        }
        JsonArray array = value.getAsJsonArray();
        List<ConfigNode> elements = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            elements.add(new ConfigNode(path + "[" + i + "]", array.get(i), problems));
        }
        return elements;
    }

    /** The elements of a non-empty array, each with its own path. */
    List<ConfigNode> nonEmptyArray() {
        if (!value.isJsonArray()) {
            error(json() + " is not an array");
            return null;
        }
        JsonArray array = value.getAsJsonArray();
        if (array.isEmpty()) {
            error("[] must not be empty");
            return null;
        }
        List<ConfigNode> elements = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            elements.add(new ConfigNode(path + "[" + i + "]", array.get(i), problems));
        }
        return elements;
    }

    /** Whether the value is the JSON string {@code text}; reports nothing either way. */
    boolean isString(String text) {
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() && value.getAsString().equals(text);
    }

    String string() {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            return value.getAsString();
        }
        error(json() + " is not a string");
        return null;
    }

    /**
     * A whole number in {@code min..max}. Anything else, including a string of digits, is reported as
     * {@code <value> is not a <what> (min..max)}, which names the expected type and range at once.
     */
    Long integer(long min, long max, String what) {
        Long number = wholeNumber();
        if (number == null || number < min || number > max) {
            error(json() + " is not " + what + " (" + min + ".." + max + ")");
            return null;
        }
        return number;
    }

    private Long wholeNumber() {
        if (!value.isJsonPrimitive() || !((JsonPrimitive) value).isNumber()) {
            return null;
        }
        try {
            BigDecimal decimal = value.getAsBigDecimal();
            if (decimal.precision() - decimal.scale() > 19) {
                return null; // beyond long; checked first so that 1e999999999 is not expanded
            }
            return decimal.longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return null; // a fraction, or beyond long: outside every range we accept anyway
        }
    }
}
