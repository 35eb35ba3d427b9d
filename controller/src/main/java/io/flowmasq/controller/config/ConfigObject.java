package io.flowmasq.controller.config;

import com.google.gson.JsonObject;
import java.util.Set;

/** A JSON object of the file with a fixed set of known field names; unknown fields are errors. */
final class ConfigObject {
    private final ConfigNode node;
    private final JsonObject object;

    ConfigObject(ConfigNode node, JsonObject object, Set<String> known) {
        this.node = node;
        this.object = object;
        for (String name : object.keySet()) {
            if (!known.contains(name)) {
                node.problems().error(childPath(name), "unknown field");
            }
        }
    }

    /** The field, or null when it is absent. */
    ConfigNode optional(String name) {
        return object.has(name) ? new ConfigNode(childPath(name), object.get(name), node.problems()) : null;
    }

    /** The field; when it is absent, reports {@code <path>: required} and returns null. */
    ConfigNode required(String name) {
        ConfigNode field = optional(name);
        if (field == null) {
            node.problems().error(childPath(name), "required");
        }
        return field;
    }

    private String childPath(String name) {
        return node.path().isEmpty() ? name : node.path() + "." + name;
    }
}
