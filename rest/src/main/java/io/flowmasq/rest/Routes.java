package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Immutable table of path templates to per-method routes; built once, shared by all channels. A
 * template is a path whose segments are literals or {@code {name}} parameters matching one non-empty
 * segment ({@code /api/v1/bindings/{id}}). Paths match exactly: no prefixes, no trailing-slash folding.
 */
final class Routes {
    /** Whether a route needs the bearer token (when one is configured). Probes must work without it. */
    enum Access { TOKEN, PUBLIC }

    /** A route accepts exactly the query parameters in {@code params}; any other is a 400. */
    record Route(HttpMethod method, String template, Set<String> params, Access access, Endpoint endpoint) {
        Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(template, "template");
            params = Set.copyOf(params);
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** The routes of the template a path matched, by method in registration order, and the parameter values. */
    record Match(String template, Map<HttpMethod, Route> methods, Map<String, String> pathParams) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final Pattern LITERAL = Pattern.compile("[^{}/]+");

    private final Map<String, Map<HttpMethod, Route>> table;

    private Routes(Map<String, Map<HttpMethod, Route>> table) {
        Map<String, Map<HttpMethod, Route>> copy = new LinkedHashMap<>();
        table.forEach((path, methods) -> copy.put(path, Collections.unmodifiableMap(new LinkedHashMap<>(methods))));
        this.table = Collections.unmodifiableMap(copy);
    }

    static Builder builder() {
        return new Builder();
    }

    /** The template {@code path} matches, preferring an all-literal template; empty if none does. */
    Optional<Match> match(String path) {
        Map<HttpMethod, Route> exact = table.get(path);
        if (exact != null) {
            return Optional.of(new Match(path, exact, Map.of()));
        }
        String[] segments = path.split("/", -1);
        for (Map.Entry<String, Map<HttpMethod, Route>> entry : table.entrySet()) {
            Map<String, String> params = bind(entry.getKey().split("/", -1), segments);
            if (params != null) {
                return Optional.of(new Match(entry.getKey(), entry.getValue(), params));
            }
        }
        return Optional.empty();
    }

    /** Every template and its methods, in registration order (for the OpenAPI conformance test). */
    Map<String, Set<HttpMethod>> templates() {
        Map<String, Set<HttpMethod>> out = new LinkedHashMap<>();
        table.forEach((template, methods) -> out.put(template, Collections.unmodifiableSet(
                new LinkedHashSet<>(methods.keySet()))));
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> bind(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            var param = PARAM.matcher(template[i]);
            if (param.matches()) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                params.put(param.group(1), segments[i]);
            } else if (!template[i].equals(segments[i])) {
                return null;
            }
        }
        return params;
    }

    static final class Builder {
        private final Map<String, Map<HttpMethod, Route>> table = new LinkedHashMap<>();

        private Builder() {
        }

        Builder get(String path, Endpoint endpoint) {
            return route(HttpMethod.GET, path, Set.of(), Access.TOKEN, endpoint);
        }

        Builder get(String path, Set<String> params, Endpoint endpoint) {
            return route(HttpMethod.GET, path, params, Access.TOKEN, endpoint);
        }

        Builder route(HttpMethod method, String path, Set<String> params, Access access, Endpoint endpoint) {
            checkTemplate(path);
            Map<HttpMethod, Route> methods = table.computeIfAbsent(path, p -> new LinkedHashMap<>());
            if (methods.putIfAbsent(method, new Route(method, path, params, access, endpoint)) != null) {
                throw new IllegalArgumentException("duplicate route " + method + " " + path);
            }
            return this;
        }

        Routes build() {
            return new Routes(table);
        }

        private static void checkTemplate(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + path);
            }
            List<String> names = new ArrayList<>();
            String[] segments = path.split("/", -1);
            for (int i = 1; i < segments.length; i++) {
                var param = PARAM.matcher(segments[i]);
                if (param.matches()) {
                    if (names.contains(param.group(1))) {
                        throw new IllegalArgumentException("parameter repeated in " + path);
                    }
                    names.add(param.group(1));
                } else if (!LITERAL.matcher(segments[i]).matches() && !(i == 1 && segments.length == 2)) {
                    throw new IllegalArgumentException("bad segment '" + segments[i] + "' in " + path);
                }
            }
        }
    }
}
