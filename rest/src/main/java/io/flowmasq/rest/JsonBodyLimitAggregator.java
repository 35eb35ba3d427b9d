package io.flowmasq.rest;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@link HttpObjectAggregator} whose 413 (and 417) answers carry a JSON body like every other error. The
 * close-or-keep decision mirrors Netty's: keep the connection (and discard the body) only when the
 * client can still be in sync, i.e. it is keep-alive or waits for 100-continue.
 */
final class JsonBodyLimitAggregator extends HttpObjectAggregator {
    private final JsonResponses responses;

    JsonBodyLimitAggregator(int maxContentLength, JsonResponses responses) {
        super(maxContentLength);
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        boolean close = oversized instanceof FullHttpMessage || !ctx.channel().config().isAutoRead()
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        ctx.writeAndFlush(error(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, close))
                .addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** Netty answers a too-large or unsupported {@code Expect} with an empty 4xx: give it a JSON body too. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof FullHttpResponse r && r.status().codeClass() == HttpStatusClass.CLIENT_ERROR) {
            HttpResponseStatus status = r.status();
            boolean close = !HttpUtil.isKeepAlive(r);
            ReferenceCountUtil.release(r);
            return error(pipeline.channel().alloc(), status, close);
        }
        return response;
    }

    private FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, boolean close) {
        boolean tooLarge = status.equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        String message = tooLarge
                ? "request body larger than " + maxContentLength() + " bytes"
                : status.reasonPhrase().toLowerCase(Locale.ROOT);
        ApiResponse error = new ApiResponse(status, responses.codec().error(message, tooLarge ? "body" : "expect",
                Map.of()));
        FullHttpResponse response = responses.toHttp(alloc, HttpVersion.HTTP_1_1, error);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
