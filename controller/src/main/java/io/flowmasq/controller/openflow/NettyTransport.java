package io.flowmasq.controller.openflow;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Netty transport the OpenFlow sockets use: the native epoll one on Linux (edge-triggered epoll and
 * direct syscalls, no JDK selector wake-up pipe and key sets: measured lower latency per packet-in,
 * bench/README.md "Latency"), NIO where the native library does not load (other systems, other CPUs).
 */
public enum NettyTransport {
    EPOLL("epoll (native)", EpollServerSocketChannel.class, EpollSocketChannel.class),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class);

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final String description;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends SocketChannel> clientChannel;

    NettyTransport(String description, Class<? extends ServerSocketChannel> serverChannel,
            Class<? extends SocketChannel> clientChannel) {
        this.description = description;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
    }

    /** Set to {@code nio} to keep NIO where epoll would load (an A/B comparison, or a way out of a native problem). */
    public static final String PROPERTY = "flowmasq.netty.transport";

    /** The best transport this JVM can load; logged at INFO the first time it is asked for. */
    public static NettyTransport best() {
        return Detected.BEST;
    }

    /** Epoll when its native library loaded and {@code requested} (the property) is not "nio", else NIO. */
    static NettyTransport choose(boolean epollAvailable, String requested) {
        return epollAvailable && !"nio".equalsIgnoreCase(requested) ? EPOLL : NIO;
    }

    public EventLoopGroup eventLoopGroup(int threads) {
        return this == EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> clientChannel() {
        return clientChannel;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Detection runs (and logs) once per JVM, when first needed: loading the native library is not free. */
    private static final class Detected {
        static final NettyTransport BEST = detect();

        private static NettyTransport detect() {
            String requested = System.getProperty(PROPERTY);
            NettyTransport t = choose(Epoll.isAvailable(), requested);
            if (t == EPOLL) {
                log.info("Netty transport: {}", t);
            } else if (Epoll.isAvailable()) {
                log.info("Netty transport: {} (-D{}={})", t, PROPERTY, requested);
            } else {
                log.info("Netty transport: {} (native epoll unavailable: {})", t, Epoll.unavailabilityCause().toString());
            }
            return t;
        }
    }
}
