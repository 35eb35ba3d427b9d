package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class NettyTransportTest {
    @Test
    void epollWhenItsLibraryLoaded() {
        assertEquals(NettyTransport.EPOLL, NettyTransport.choose(true, null));
    }

    @Test
    void nioWhenEpollDoesNotLoadWhateverIsAskedFor() {
        assertEquals(NettyTransport.NIO, NettyTransport.choose(false, null));
        assertEquals(NettyTransport.NIO, NettyTransport.choose(false, "epoll"));
    }

    @Test
    void nioWhenThePropertyAsksForIt() {
        assertEquals(NettyTransport.NIO, NettyTransport.choose(true, "NIO"));
        assertEquals(NettyTransport.EPOLL, NettyTransport.choose(true, "epoll"));
    }

    @Test
    void eachTransportNamesItsOwnChannelClasses() {
        assertEquals(EpollServerSocketChannel.class, NettyTransport.EPOLL.serverChannel());
        assertEquals(EpollSocketChannel.class, NettyTransport.EPOLL.clientChannel());
        assertEquals(NioServerSocketChannel.class, NettyTransport.NIO.serverChannel());
        assertEquals(NioSocketChannel.class, NettyTransport.NIO.clientChannel());
    }
}
