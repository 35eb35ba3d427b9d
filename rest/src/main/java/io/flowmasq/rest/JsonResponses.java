package io.flowmasq.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Objects;

/**
 * Frames replies as HTTP: whole JSON or text bodies with their Content-Length, and the head of a
 * streamed JSON body, which is chunked (HTTP/1.1) or ends with the connection (HTTP/1.0).
 */
final class JsonResponses {
    private final JsonCodec codec;

    JsonResponses(JsonCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    JsonCodec codec() {
        return codec;
    }

    FullHttpResponse toHttp(ByteBufAllocator alloc, HttpVersion version, ApiResponse response) {
        // Encode before allocating, so a value Gson refuses (NaN) cannot leak a buffer.
        String json = codec.write(response.body());
        FullHttpResponse http = full(version, response, ByteBufUtil.writeUtf8(alloc, json),
                HttpHeaderValues.APPLICATION_JSON);
        response.headers().forEach(http.headers()::set);
        return http;
    }

    FullHttpResponse toHttp(ByteBufAllocator alloc, HttpVersion version, TextResponse response) {
        ByteBuf body = alloc.buffer(response.body().length).writeBytes(response.body());
        return full(version, response, body, response.contentType());
    }

    HttpResponse head(HttpVersion version, StreamedJson response, boolean keepAlive) {
        HttpResponse http = new DefaultHttpResponse(version, response.status());
        common(http.headers(), HttpHeaderValues.APPLICATION_JSON);
        if (version.equals(HttpVersion.HTTP_1_0)) {
            HttpUtil.setKeepAlive(http, false); // no chunking in 1.0: closing the connection ends the body
        } else {
            HttpUtil.setTransferEncodingChunked(http, true);
            HttpUtil.setKeepAlive(http, keepAlive);
        }
        return http;
    }

    private static FullHttpResponse full(HttpVersion version, Reply reply, ByteBuf body, CharSequence contentType) {
        FullHttpResponse http = new DefaultFullHttpResponse(version, reply.status(), body);
        common(http.headers(), contentType);
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return http;
    }

    private static void common(HttpHeaders headers, CharSequence contentType) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType)
                // Live state: a cached binding list would mislead an operator.
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    }
}
