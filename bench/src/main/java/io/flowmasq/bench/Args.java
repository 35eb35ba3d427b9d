package io.flowmasq.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options (and {@code --flag} booleans); unknown names are errors. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, int from, Set<String> known, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!known.contains(name) && !flags.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + known + " " + flags);
            }
            values.put(name, value);
        }
    }

    public String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    public int getInt(String name, int otherwise) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : otherwise;
    }

    public double getDouble(String name, double otherwise) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : otherwise;
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }
}
