package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A client error the API reports as a JSON body: {@code field} names the offending input (a query
 * parameter, a body member, a path segment, a header) or is null; {@code details} are further members
 * of the error document, in order; {@code headers} go on the response (Allow, WWW-Authenticate).
 */
final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String field;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    ApiException(HttpResponseStatus status, String message, String field, Map<String, ?> details,
                 Map<String, String> headers) {
        // Control flow for expected client mistakes: a stack trace would be noise.
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.field = field;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.headers = Map.copyOf(headers);
    }

    ApiException(HttpResponseStatus status, String message, String field, Map<String, ?> details) {
        this(status, message, field, details, Map.of());
    }

    ApiException(HttpResponseStatus status, String message, String field) {
        this(status, message, field, Map.of());
    }

    static ApiException badParameter(String field, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message, field);
    }

    HttpResponseStatus status() {
        return status;
    }

    String field() {
        return field;
    }

    Map<String, Object> details() {
        return details;
    }

    Map<String, String> headers() {
        return headers;
    }
}
