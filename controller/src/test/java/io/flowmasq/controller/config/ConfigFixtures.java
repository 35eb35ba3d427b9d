package io.flowmasq.controller.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal valid file and edits of it by path, so each test shows only the mistake it makes. */
final class ConfigFixtures {
    static final String MINIMAL = """
            {"switches": [{
              "dpid": "00:00:00:00:00:00:00:01",
              "inside": [{"ports": [1, 2], "gateway": "10.0.0.1/24"}],
              "outside": {"port": 3, "address": "203.0.113.1/24", "nextHop": "203.0.113.10"}
            }]}""";

    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private ConfigFixtures() {
    }

    /** {@code json} with the value at {@code path} set (or added) to the JSON text {@code value}. */
    static String with(String json, String path, String value) {
        JsonElement root = JsonParser.parseString(json);
        List<String> steps = steps(path);
        JsonElement parent = walk(root, steps.subList(0, steps.size() - 1));
        String last = steps.get(steps.size() - 1);
        JsonElement element = JsonParser.parseString(value);
        if (parent.isJsonArray()) {
            JsonArray array = parent.getAsJsonArray();
            int index = Integer.parseInt(last);
            if (index == array.size()) {
                array.add(element);
            } else {
                array.set(index, element);
            }
        } else {
            parent.getAsJsonObject().add(last, element);
        }
        return root.toString();
    }

    /** {@code json} without the object field at {@code path}. */
    static String without(String json, String path) {
        JsonElement root = JsonParser.parseString(json);
        List<String> steps = steps(path);
        JsonObject parent = walk(root, steps.subList(0, steps.size() - 1)).getAsJsonObject();
        parent.remove(steps.get(steps.size() - 1));
        return root.toString();
    }

    /** The errors loading {@code json} reports; fails the test if it loads. */
    static List<String> errors(String json) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.validate(json)).errors();
    }

    static ValidatedConfig valid(String json) {
        try {
            return ConfigLoader.validate(json);
        } catch (ConfigException e) {
            throw new AssertionError("expected a valid file:\n" + e.getMessage(), e);
        }
    }

    private static JsonElement walk(JsonElement root, List<String> steps) {
        JsonElement node = root;
        for (String step : steps) {
            node = node.isJsonArray()
                    ? node.getAsJsonArray().get(Integer.parseInt(step))
                    : node.getAsJsonObject().get(step);
        }
        return node;
    }

    private static List<String> steps(String path) {
        List<String> steps = new ArrayList<>();
        Matcher m = STEP.matcher(path);
        while (m.find()) {
            steps.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return steps;
    }
}
