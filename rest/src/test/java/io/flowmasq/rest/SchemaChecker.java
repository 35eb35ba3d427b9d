package io.flowmasq.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON value against an OpenAPI 3.0 schema, for the subset flowmasq's document uses: type,
 * properties, required, items, enum, nullable, additionalProperties (false or a schema), allOf,
 * minimum, maximum and local $ref. Annotations (description, example, format, default) are not
 * checked. Any other keyword is reported as a violation rather than silently ignored, so the document
 * cannot outgrow what this checker verifies.
 */
final class SchemaChecker {
    private static final Set<String> ANNOTATIONS = Set.of("description", "example", "format", "default");
    private static final Set<String> CHECKED = Set.of("type", "properties", "required", "items", "enum", "nullable",
            "additionalProperties", "allOf", "minimum", "maximum", "$ref");

    private final JsonObject document;

    SchemaChecker(JsonObject document) {
        this.document = document;
    }

    /** Every violation, each as "path: what"; empty when the value conforms. */
    List<String> check(JsonElement value, JsonObject schema) {
        List<String> violations = new ArrayList<>();
        check(value, schema, "$", violations);
        return violations;
    }

    /** Follows a local reference such as {@code #/components/schemas/Binding}. */
    JsonObject resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("only local references: " + ref);
        }
        JsonElement at = document;
        for (String part : ref.substring(2).split("/")) {
            at = at.getAsJsonObject().get(part);
            if (at == null) {
                throw new IllegalArgumentException("dangling reference " + ref);
            }
        }
        return at.getAsJsonObject();
    }

    private void check(JsonElement value, JsonObject schema, String path, List<String> out) {
        for (String keyword : schema.keySet()) {
            if (!CHECKED.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                out.add(path + ": schema uses '" + keyword + "', which this checker does not implement");
            }
        }
        if (schema.has("$ref")) {
            if (schema.keySet().stream().anyMatch(k -> !k.equals("$ref") && !k.equals("description"))) {
                out.add(path + ": siblings of $ref are ignored by OpenAPI 3.0; use allOf");
            }
            check(value, resolve(schema.get("$ref").getAsString()), path, out);
            return;
        }
        if (value == null || value.isJsonNull()) {
            if (!(schema.has("nullable") && schema.get("nullable").getAsBoolean())) {
                out.add(path + ": null where the schema is not nullable");
            }
            return;
        }
        if (schema.has("allOf")) {
            schema.getAsJsonArray("allOf").forEach(s -> check(value, s.getAsJsonObject(), path, out));
        }
        if (schema.has("type") && !hasType(value, schema.get("type").getAsString())) {
            out.add(path + ": " + value + " is not of type " + schema.get("type").getAsString());
            return;
        }
        if (schema.has("enum") && !contains(schema.getAsJsonArray("enum"), value)) {
            out.add(path + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (schema.has("minimum") && isNumber(value) && number(value).compareTo(schema.get("minimum").getAsBigDecimal()) < 0) {
            out.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
        }
        if (schema.has("maximum") && isNumber(value) && number(value).compareTo(schema.get("maximum").getAsBigDecimal()) > 0) {
            out.add(path + ": " + value + " is above the maximum " + schema.get("maximum"));
        }
        if (value.isJsonObject()) {
            checkObject(value.getAsJsonObject(), schema, path, out);
        }
        if (value.isJsonArray() && schema.has("items")) {
            JsonArray array = value.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                check(array.get(i), schema.getAsJsonObject("items"), path + "[" + i + "]", out);
            }
        }
    }

    private void checkObject(JsonObject object, JsonObject schema, String path, List<String> out) {
        JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
        if (schema.has("required")) {
            schema.getAsJsonArray("required").forEach(name -> {
                if (!object.has(name.getAsString())) {
                    out.add(path + ": required member '" + name.getAsString() + "' missing");
                }
            });
        }
        JsonElement additional = schema.get("additionalProperties");
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
            String at = path + "." + member.getKey();
            if (properties.has(member.getKey())) {
                check(member.getValue(), properties.getAsJsonObject(member.getKey()), at, out);
            } else if (additional != null && additional.isJsonPrimitive() && !additional.getAsBoolean()) {
                out.add(at + ": member not in the schema (additionalProperties is false)");
            } else if (additional != null && additional.isJsonObject()) {
                check(member.getValue(), additional.getAsJsonObject(), at, out);
            }
        }
    }

    private static boolean hasType(JsonElement value, String type) {
        return switch (type) {
            case "object" -> value.isJsonObject();
            case "array" -> value.isJsonArray();
            case "string" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
            case "boolean" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
            case "number" -> isNumber(value);
            case "integer" -> isNumber(value) && number(value).stripTrailingZeros().scale() <= 0;
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static boolean isNumber(JsonElement value) {
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber();
    }

    private static BigDecimal number(JsonElement value) {
        JsonPrimitive p = value.getAsJsonPrimitive();
        return new BigDecimal(p.getAsString());
    }

    private static boolean contains(JsonArray values, JsonElement value) {
        for (JsonElement v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
