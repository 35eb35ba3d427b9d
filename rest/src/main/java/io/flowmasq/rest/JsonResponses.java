package io.flowmasq.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Objects;

/** Frames an {@link ApiResponse} as a full HTTP response with a UTF-8 JSON body and its Content-Length. */
final class JsonResponses {
    private final JsonCodec codec;

    JsonResponses(JsonCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    JsonCodec codec() {
        return codec;
    }

    FullHttpResponse toHttp(ByteBufAllocator alloc, HttpVersion version, ApiResponse response) {
        ByteBuf body = ByteBufUtil.writeUtf8(alloc, codec.write(response.body()));
        FullHttpResponse http = new DefaultFullHttpResponse(version, response.status(), body);
        http.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                // Live state: a cached binding list would mislead an operator.
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().forEach(http.headers()::set);
        return http;
    }
}
