package io.flowmasq.rest;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection when the {@link io.netty.handler.timeout.IdleStateHandler} before it reports it
 * idle, so keep-alive connections left open by scrapers and half-finished requests do not pile up.
 */
@Sharable
final class IdleConnectionCloser extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IdleConnectionCloser.class);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            log.debug("closing idle REST connection from {}", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }
}
