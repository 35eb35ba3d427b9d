package io.flowmasq.rest;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request as the endpoints see it: method, decoded path, query and path parameters, headers and a
 * copy of the body. Holds no reference-counted buffer, so it may outlive the Netty request.
 */
record ApiRequest(HttpMethod method, String path, Map<String, List<String>> params, Map<String, String> pathParams,
                  HttpHeaders headers, byte[] body) {
    ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        params = Map.copyOf(params);
        pathParams = Map.copyOf(pathParams);
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    static ApiRequest parse(HttpMethod method, String uri) {
        return parse(method, uri, EmptyHttpHeaders.INSTANCE, new byte[0]);
    }

    static ApiRequest parse(FullHttpRequest request) {
        // The body is copied: the request is released when the router returns, maybe before the answer.
        return parse(request.method(), request.uri(), request.headers().copy(),
                ByteBufUtil.getBytes(request.content()));
    }

    private static ApiRequest parse(HttpMethod method, String uri, HttpHeaders headers, byte[] body) {
        try {
            QueryStringDecoder decoder = new QueryStringDecoder(uri);
            return new ApiRequest(method, decoder.path(), decoder.parameters(), Map.of(), headers, body);
        } catch (IllegalArgumentException e) { // bad percent-encoding
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "malformed request URI", "uri");
        }
    }

    ApiRequest withPathParams(Map<String, String> values) {
        return new ApiRequest(method, path, params, values, headers, body);
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

    /** A path parameter the route's template declares; absent only if the route is wired wrongly. */
    String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path parameter '" + name + "'");
        }
        return value;
    }

    /** A positive integer path parameter such as a binding id; anything else is a 400 naming it. */
    long positivePathParam(String name) {
        String text = pathParam(name);
        if (text.matches("[0-9]{1,19}")) {
            try {
                long value = Long.parseLong(text);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) { // 19 digits above Long.MAX_VALUE: fall through
            }
        }
        throw ApiException.badParameter(name, "'" + name + "' must be a positive integer, got '" + text + "'");
    }

    /** For logs: method and path, without the query (it may be long; it is not secret). */
    String describe() {
        return method + " " + path;
    }
}
