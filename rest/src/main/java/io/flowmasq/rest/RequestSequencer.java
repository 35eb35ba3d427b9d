package io.flowmasq.rest;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Lets one request at a time through to the handlers after it, so that HTTP/1.1 pipelined requests are
 * answered in order even when an earlier answer waits for a switch. Parts of the next request are held
 * (and reading paused, which bounds what is held) until the current response has been written; the
 * writes queue behind one another downstream, so passing the next request then keeps the order.
 *
 * <p>Sits before the aggregator, so the aggregator's own answers (413, 100 Continue) are in order too.
 * Stateful: one per channel.
 */
final class RequestSequencer extends ChannelDuplexHandler {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean awaitingResponse;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || msg instanceof HttpRequest && awaitingResponse) {
            held.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        pass(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean ends = endsResponse(msg);
        ctx.write(msg, promise);
        if (ends) {
            awaitingResponse = false;
            if (!held.isEmpty()) {
                // Not inline: the write may come from inside the previous request's channelRead.
                ctx.executor().execute(() -> drain(ctx));
            }
        }
    }

    private void drain(ChannelHandlerContext ctx) {
        while (!held.isEmpty()) {
            if (held.peek() instanceof HttpRequest && awaitingResponse) {
                return;
            }
            pass(ctx, held.poll());
        }
        ctx.fireChannelReadComplete();
        ctx.channel().config().setAutoRead(true);
    }

    private void pass(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            awaitingResponse = true;
        }
        ctx.fireChannelRead(msg);
    }

    /** A full response or the end of one; 1xx (100 Continue) precede the real answer and do not count. */
    private static boolean endsResponse(Object msg) {
        if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            return false;
        }
        return msg instanceof LastHttpContent || msg instanceof ChunkedInput;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }
}
