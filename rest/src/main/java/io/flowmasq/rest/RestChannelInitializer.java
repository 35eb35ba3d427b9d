package io.flowmasq.rest;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection pipeline: idle timeout ({@link IdleConnectionCloser}), framing ({@link HttpServerCodec}),
 * connection reuse ({@link HttpServerKeepAliveHandler}), streamed bodies ({@link ChunkedWriteHandler}),
 * one request at a time ({@link RequestSequencer}), body limit ({@link JsonBodyLimitAggregator}),
 * malformed requests ({@link MalformedRequestHandler}) and routing ({@link RouterHandler}).
 */
final class RestChannelInitializer extends ChannelInitializer<SocketChannel> {
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int IDLE_SECONDS = 60;

    private final JsonResponses responses;
    private final MalformedRequestHandler malformed;
    private final IdleConnectionCloser idleCloser = new IdleConnectionCloser();
    private final RouterHandler router;

    RestChannelInitializer(JsonResponses responses, RouterHandler router) {
        this.responses = Objects.requireNonNull(responses, "responses");
        this.malformed = new MalformedRequestHandler(responses);
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        configure(channel.pipeline());
    }

    /** Separate from {@link #initChannel} so tests can build the same pipeline on an EmbeddedChannel. */
    void configure(ChannelPipeline pipeline) {
        pipeline.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                .addLast("idleCloser", idleCloser)
                .addLast("http", new HttpServerCodec())
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                // Writes a listing as the socket drains, so its size in memory is a few chunks at most.
                .addLast("chunked", new ChunkedWriteHandler())
                .addLast("sequencer", new RequestSequencer())
                .addLast("aggregator", new JsonBodyLimitAggregator(MAX_BODY_BYTES, responses))
                .addLast("malformed", malformed)
                .addLast("router", router);
    }
}
