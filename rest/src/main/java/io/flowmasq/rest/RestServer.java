package io.flowmasq.rest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP JSON API server. Owns its event loop groups: {@link #start()} creates them and binds,
 * {@link #close()} closes the listening socket and shuts them down gracefully. Not restartable.
 */
public final class RestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestServer.class);
    // The API serves cheap snapshots to a few operators: one acceptor and two I/O threads suffice.
    private static final int IO_THREADS = 2;

    private final InetSocketAddress listen;
    private final RestChannelInitializer initializer;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private Channel channel;
    private InetSocketAddress bound;
    private boolean closed;

    /**
     * @param metrics serves {@code /metrics}; null when the controller exports none ({@code /metrics} is a 404)
     */
    public RestServer(RestSettings settings, NatService service, MetricsExposition metrics) {
        this(settings, service, metrics, Clock.systemUTC(), RouterHandler.ANSWER_TIMEOUT);
    }

    /** For tests: a fixed clock for snapshot times, a short timeout for switches that never answer. */
    RestServer(RestSettings settings, NatService service, MetricsExposition metrics, Clock clock,
               Duration answerTimeout) {
        Objects.requireNonNull(settings, "settings");
        this.listen = settings.listen();
        JsonResponses responses = new JsonResponses(new JsonCodec());
        Routes routes = new ApiV1(Objects.requireNonNull(service, "service"), responses.codec(), metrics, clock).routes();
        RouterHandler router = new RouterHandler(routes, responses, new BearerAuth(settings.token()), answerTimeout);
        this.initializer = new RestChannelInitializer(responses, router);
    }

    /**
     * Binds the listening socket; returns once it accepts connections.
     *
     * @throws IllegalStateException if already started or closed, or if the address cannot be bound
     */
    public synchronized void start() throws InterruptedException {
        if (channel != null || closed) {
            throw new IllegalStateException(closed ? "server closed" : "server already started");
        }
        acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("flowmasq-rest-accept"));
        workers = new NioEventLoopGroup(IO_THREADS, new DefaultThreadFactory("flowmasq-rest-io"));
        ChannelFuture bind = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(initializer)
                .bind(listen);
        try {
            bind.await();
        } catch (InterruptedException e) {
            shutDownGroups();
            throw e;
        }
        if (!bind.isSuccess()) {
            shutDownGroups();
            throw new IllegalStateException("cannot listen on " + listen, bind.cause());
        }
        channel = bind.channel();
        bound = (InetSocketAddress) channel.localAddress();
        log.info("REST API listening on {}", bound);
    }

    /** The address actually bound (with the real port when started on port 0). */
    public synchronized InetSocketAddress boundAddress() {
        if (bound == null) {
            throw new IllegalStateException("server not started");
        }
        return bound;
    }

    /** Stops accepting, lets in-flight responses finish and releases the threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            channel.close().syncUninterruptibly();
            log.info("REST API on {} closed", bound);
        }
        shutDownGroups();
    }

    private void shutDownGroups() {
        // Short quiet period: nothing is queued once the listener is closed, and tests close many servers.
        List<Future<?>> terminations = new ArrayList<>();
        for (EventLoopGroup group : new EventLoopGroup[] {acceptor, workers}) {
            if (group != null) {
                terminations.add(group.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS));
            }
        }
        terminations.forEach(Future::awaitUninterruptibly);
        acceptor = null;
        workers = null;
    }
}
