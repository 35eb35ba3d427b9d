package io.flowmasq.rest;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;
import java.util.Objects;

/**
 * Answers requests the HTTP decoder could not parse with a JSON 4xx and closes the connection: after a
 * framing error the decoder discards the rest of the stream, so the connection cannot be reused.
 */
@Sharable
final class MalformedRequestHandler extends ChannelInboundHandlerAdapter {
    private final JsonResponses responses;

    MalformedRequestHandler(JsonResponses responses) {
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || request.decoderResult().isSuccess()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Throwable cause = request.decoderResult().cause();
        ReferenceCountUtil.release(msg);
        FullHttpResponse response = responses.toHttp(ctx.alloc(), HttpVersion.HTTP_1_1, answer(cause));
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private ApiResponse answer(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long", "uri");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large", "headers");
        }
        return error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", "request");
    }

    private ApiResponse error(HttpResponseStatus status, String message, String field) {
        return new ApiResponse(status, responses.codec().error(message, field, Map.of()));
    }
}
