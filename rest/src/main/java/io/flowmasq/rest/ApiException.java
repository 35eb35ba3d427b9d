package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Objects;

/** A client error the API reports as a JSON body; {@code field} names the offending input, or is null. */
final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String field;

    ApiException(HttpResponseStatus status, String message, String field) {
        // Control flow for expected client mistakes: a stack trace would be noise.
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.field = field;
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
}
