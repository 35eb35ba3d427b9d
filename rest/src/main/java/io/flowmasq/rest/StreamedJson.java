package io.flowmasq.rest;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.stream.ChunkedInput;

import java.util.Objects;

/**
 * A JSON answer produced piece by piece as the connection can take it, so a large listing never exists
 * as one string. The input must hold no buffers between chunks: it may be dropped unread.
 */
record StreamedJson(HttpResponseStatus status, ChunkedInput<ByteBuf> body) implements Reply {
    StreamedJson {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(body, "body");
    }
}
