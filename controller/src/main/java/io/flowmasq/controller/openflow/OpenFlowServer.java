package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for OpenFlow switches (one boss thread, two worker event loops, native epoll where it loads). Switches that complete
 * the handshake appear in {@link #registry()} and get a handler from the factory.
 */
public final class OpenFlowServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);
    private static final int WORKER_THREADS = 2;

    private final InetSocketAddress listen;
    private final OpenFlowChannelInitializer initializer;
    private final SwitchRegistry registry;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public OpenFlowServer(InetSocketAddress listen, SwitchHandlerFactory factory, OpenFlowCounters counters) {
        this(listen, factory, counters, new SwitchRegistry(), OpenFlowChannelInitializer.DEFAULT_ECHO_INTERVAL_SECONDS);
    }

    public OpenFlowServer(InetSocketAddress listen, SwitchHandlerFactory factory, OpenFlowCounters counters,
            SwitchRegistry registry, int echoIntervalSeconds) {
        this.listen = requireNonNull(listen, "listen");
        this.registry = requireNonNull(registry, "registry");
        this.initializer = new OpenFlowChannelInitializer(factory, counters, registry, echoIntervalSeconds,
                Clock.systemUTC());
    }

    /** Binds the listening socket (port 0 picks a free port); returns once bound. */
    public synchronized void start() {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        NettyTransport transport = NettyTransport.best();
        boss = transport.eventLoopGroup(1);
        workers = transport.eventLoopGroup(WORKER_THREADS);
        try {
            serverChannel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(initializer)
                    .bind(listen).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw e;
        }
        log.info("OpenFlow listening on {}", boundAddress());
    }

    public synchronized InetSocketAddress boundAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public SwitchRegistry registry() {
        return registry;
    }

    /** Stops listening and closes every switch connection (their handlers get onDisconnect). */
    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            log.info("OpenFlow listener on {} closed", listen);
            serverChannel = null;
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        boss = null;
        workers = null;
    }
}
