package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpMethod;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Immutable table of exact paths to per-method routes; built once, shared by all channels. */
final class Routes {
    /** A route accepts exactly the query parameters in {@code params}; any other is a 400. */
    record Route(HttpMethod method, Set<String> params, Endpoint endpoint) {
        Route {
            Objects.requireNonNull(method, "method");
            params = Set.copyOf(params);
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    private final Map<String, Map<HttpMethod, Route>> table;

    private Routes(Map<String, Map<HttpMethod, Route>> table) {
        Map<String, Map<HttpMethod, Route>> copy = new LinkedHashMap<>();
        table.forEach((path, methods) -> copy.put(path, Collections.unmodifiableMap(new LinkedHashMap<>(methods))));
        this.table = Collections.unmodifiableMap(copy);
    }

    static Builder builder() {
        return new Builder();
    }

    /** The routes registered for {@code path} by method, in registration order; empty if the path is unknown. */
    Map<HttpMethod, Route> at(String path) {
        return table.getOrDefault(path, Map.of());
    }

    static final class Builder {
        private final Map<String, Map<HttpMethod, Route>> table = new LinkedHashMap<>();

        private Builder() {
        }

        Builder get(String path, Endpoint endpoint) {
            return route(HttpMethod.GET, path, Set.of(), endpoint);
        }

        Builder get(String path, Set<String> params, Endpoint endpoint) {
            return route(HttpMethod.GET, path, params, endpoint);
        }

        Builder route(HttpMethod method, String path, Set<String> params, Endpoint endpoint) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + path);
            }
            Map<HttpMethod, Route> methods = table.computeIfAbsent(path, p -> new LinkedHashMap<>());
            if (methods.putIfAbsent(method, new Route(method, params, endpoint)) != null) {
                throw new IllegalArgumentException("duplicate route " + method + " " + path);
            }
            return this;
        }

        Routes build() {
            return new Routes(table);
        }
    }
}
