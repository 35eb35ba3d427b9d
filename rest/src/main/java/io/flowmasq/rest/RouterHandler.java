package io.flowmasq.rest;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Dispatches a well-formed, aggregated request to its {@link Endpoint} and hands the outcome to a
 * {@link Responder}. Checks the token (except on public routes; unknown paths need it too, so they
 * cannot be probed), maps unknown paths to 404, other methods to 405 and unknown query parameters to
 * 400; the channel survives all of them. Stateless, hence shared by all channels.
 */
@Sharable
final class RouterHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** How long an operation that waits for a switch may take before the client gets a 503. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(RouterHandler.class);

    private final Routes routes;
    private final JsonResponses responses;
    private final Failures failures;
    private final BearerAuth auth;
    private final Duration answerTimeout;

    RouterHandler(Routes routes, JsonResponses responses, BearerAuth auth, Duration answerTimeout) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.responses = Objects.requireNonNull(responses, "responses");
        this.failures = new Failures(responses.codec());
        this.auth = Objects.requireNonNull(auth, "auth");
        this.answerTimeout = Objects.requireNonNull(answerTimeout, "answerTimeout");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Responder responder = new Responder(ctx, responses, failures, request.protocolVersion(),
                HttpUtil.isKeepAlive(request), request.method() + " " + request.uri());
        CompletionStage<Reply> reply;
        try {
            reply = Objects.requireNonNull(dispatch(request), "endpoint returned no stage");
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        responder.answer(reply, answerTimeout);
    }

    private CompletionStage<Reply> dispatch(FullHttpRequest http) {
        ApiRequest request = ApiRequest.parse(http);
        Optional<Routes.Match> match = routes.match(request.path());
        Routes.Route route = match.map(m -> m.methods().get(request.method())).orElse(null);
        if (route == null || route.access() == Routes.Access.TOKEN) {
            Optional<ApiException> refused = auth.check(request.headers());
            if (refused.isPresent()) {
                throw refused.get();
            }
        }
        if (match.isEmpty()) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "not found", "path", Map.of("path", request.path()));
        }
        if (route == null) {
            throw methodNotAllowed(request.method(), match.get());
        }
        ApiRequest routed = request.withPathParams(match.get().pathParams());
        routed.requireOnly(route.params());
        return route.endpoint().handle(routed);
    }

    private static ApiException methodNotAllowed(HttpMethod method, Routes.Match match) {
        String allow = match.methods().keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("method", method.name());
        details.put("allow", allow);
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", "method", details,
                Map.of(HttpHeaderNames.ALLOW.toString(), allow));
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
