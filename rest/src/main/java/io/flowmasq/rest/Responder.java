package io.flowmasq.rest;

import com.google.gson.JsonObject;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Answers one request exactly once, always on the channel's event loop: with the endpoint's reply, with
 * the error it failed with, or with a 503 when it has not answered within the timeout (a switch that
 * never confirms must not hold the client forever). Created per request; only its event loop touches it.
 */
final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);

    private final ChannelHandlerContext ctx;
    private final JsonResponses responses;
    private final Failures failures;
    private final HttpVersion version;
    private final boolean keepAlive;
    private final String request;
    private boolean answered;
    private ScheduledFuture<?> timer;

    Responder(ChannelHandlerContext ctx, JsonResponses responses, Failures failures, HttpVersion version,
              boolean keepAlive, String request) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.responses = Objects.requireNonNull(responses, "responses");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.version = Objects.requireNonNull(version, "version");
        this.keepAlive = keepAlive;
        this.request = Objects.requireNonNull(request, "request");
    }

    /** Must be called on the event loop. A stage already complete is answered before this returns. */
    void answer(CompletionStage<Reply> stage, Duration timeout) {
        CompletableFuture<Reply> future = stage.toCompletableFuture();
        if (!future.isDone()) {
            timer = ctx.executor().schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        future.whenComplete((reply, failure) -> onEventLoop(() -> complete(reply, failure)));
    }

    private void onEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) { // server closing: the connection goes with it
            log.debug("{} completed while the REST server was shutting down", request);
        }
    }

    private void timedOut() {
        if (answered) {
            return;
        }
        log.warn("{}: no answer from the switch in time, replying 503", request);
        JsonObject body = responses.codec().error("switch did not answer in time", null, Map.of());
        write(new ApiResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, body));
    }

    private void complete(Reply reply, Throwable failure) {
        if (answered) {
            // The client was told 503; the operation may still have happened. Say so where operators look.
            log.info("{} finished after its timeout: {}", request, failure == null ? "succeeded" : failure.toString());
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (failure == null && reply == null) {
            failure = new NullPointerException("endpoint completed without a reply");
        }
        write(failure == null ? reply : failures.toResponse(failure, request));
    }

    private void write(Reply reply) {
        answered = true;
        if (reply instanceof StreamedJson streamed) {
            ctx.write(responses.head(version, streamed, keepAlive));
            ctx.writeAndFlush(new HttpChunkedInput(streamed.body())).addListener(this::streamEnded);
            return;
        }
        FullHttpResponse response;
        try {
            response = reply instanceof ApiResponse json
                    ? responses.toHttp(ctx.alloc(), version, json)
                    : responses.toHttp(ctx.alloc(), version, (TextResponse) reply);
        } catch (RuntimeException e) { // a value the encoder refuses: a bug in the service or here
            log.error("{}: cannot encode the reply", request, e);
            response = responses.toHttp(ctx.alloc(), version, failures.internalError());
        }
        // Echo the request's choice (HTTP/1.0 clients need "Connection: keep-alive" back);
        // HttpServerKeepAliveHandler, upstream, closes the connection after the write when it is "close".
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }

    /** The status line is gone: a stream that fails can only be cut short, so the client sees it incomplete. */
    private void streamEnded(Future<? super Void> done) {
        if (done.isSuccess()) {
            return;
        }
        if (done.cause() instanceof IOException) {
            log.debug("{}: client went away during the listing", request, done.cause());
        } else {
            log.error("{}: listing failed mid-stream, closing the connection", request, done.cause());
        }
        ctx.close();
    }
}
