package io.flowmasq.rest;

import com.google.gson.JsonElement;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.Objects;

/** A JSON answer small enough to build whole: a status, a JSON body and extra headers. */
record ApiResponse(HttpResponseStatus status, JsonElement body, Map<String, String> headers) implements Reply {
    ApiResponse {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    ApiResponse(HttpResponseStatus status, JsonElement body) {
        this(status, body, Map.of());
    }

    static ApiResponse ok(JsonElement body) {
        return new ApiResponse(HttpResponseStatus.OK, body);
    }
}
