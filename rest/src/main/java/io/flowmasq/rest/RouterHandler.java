package io.flowmasq.rest;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Dispatches a well-formed, aggregated request to its {@link Endpoint} and writes the JSON answer.
 * Maps unknown paths to 404, other methods to 405, client errors to 4xx and anything else to 500;
 * the channel survives all of them. Stateless, hence shared by all channels.
 */
@Sharable
final class RouterHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RouterHandler.class);

    private final Routes routes;
    private final JsonResponses responses;

    RouterHandler(Routes routes, JsonResponses responses) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response = responses.toHttp(ctx.alloc(), request.protocolVersion(), respond(request));
        // Echo the request's choice (HTTP/1.0 clients need "Connection: keep-alive" back);
        // HttpServerKeepAliveHandler, upstream, closes the connection after the write when it is "close".
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(response);
    }

    private ApiResponse respond(FullHttpRequest request) {
        try {
            return dispatch(ApiRequest.parse(request.method(), request.uri()));
        } catch (ApiException e) {
            Map<String, String> details = e.field() == null ? Map.of() : Map.of("field", e.field());
            return new ApiResponse(e.status(), codec().error(e.getMessage(), details));
        } catch (RuntimeException e) {
            log.error("{} {} failed", request.method(), request.uri(), e);
            return new ApiResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR, codec().error("internal error", Map.of()));
        }
    }

    private ApiResponse dispatch(ApiRequest request) {
        Map<HttpMethod, Routes.Route> methods = routes.at(request.path());
        if (methods.isEmpty()) {
            return new ApiResponse(HttpResponseStatus.NOT_FOUND,
                    codec().error("not found", Map.of("path", request.path())));
        }
        Routes.Route route = methods.get(request.method());
        if (route == null) {
            String allow = methods.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
            return new ApiResponse(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    codec().error("method not allowed", Map.of("method", request.method().name(), "allow", allow)),
                    Map.of(HttpHeaderNames.ALLOW.toString(), allow));
        }
        request.requireOnly(route.params());
        return route.endpoint().handle(request);
    }

    private JsonCodec codec() {
        return responses.codec();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Only transport-level failures get here: nothing to answer. A client hanging up is routine.
        if (cause instanceof IOException) {
            log.debug("REST connection {} failed, closing it", ctx.channel().remoteAddress(), cause);
        } else {
            log.warn("REST connection {} failed, closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
