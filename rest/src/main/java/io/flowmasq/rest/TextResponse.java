package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Objects;

/** A non-JSON answer (the Prometheus exposition): bytes and their Content-Type. */
record TextResponse(HttpResponseStatus status, String contentType, byte[] body) implements Reply {
    TextResponse {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }
}
