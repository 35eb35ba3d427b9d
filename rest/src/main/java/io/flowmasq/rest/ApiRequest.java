package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A request as the endpoints see it: method, decoded path and query parameters. No Netty buffers. */
record ApiRequest(HttpMethod method, String path, Map<String, List<String>> params) {
    ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        params = Map.copyOf(params);
    }

    static ApiRequest parse(HttpMethod method, String uri) {
        try {
            QueryStringDecoder decoder = new QueryStringDecoder(uri);
            return new ApiRequest(method, decoder.path(), decoder.parameters());
        } catch (IllegalArgumentException e) { // bad percent-encoding
            throw new ApiException(HttpResponseStatus.BAD_REQUEST,
                    "malformed request URI", null);
        }
    }

    /** Rejects the first parameter (by name order, so errors are stable) that is not in {@code allowed}. */
    void requireOnly(Set<String> allowed) {
        for (String name : new TreeSet<>(params.keySet())) {
            if (!allowed.contains(name)) {
                throw ApiException.badParameter(name, "unknown query parameter '" + name + "'");
            }
        }
    }

    /** The single non-empty value of a parameter, or empty when absent. Repeats and blanks are errors. */
    Optional<String> param(String name) {
        List<String> values = params.get(name);
        if (values == null) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw ApiException.badParameter(name, "query parameter '" + name + "' given more than once");
        }
        if (values.get(0).isEmpty()) {
            throw ApiException.badParameter(name, "query parameter '" + name + "' is empty");
        }
        return Optional.of(values.get(0));
    }
}
