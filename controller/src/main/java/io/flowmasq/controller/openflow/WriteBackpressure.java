package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops reading from a switch while our writes to it pile up (its socket does not drain: above the high-water
 * mark), and reads again once they are below the low-water mark. Everything we send is an answer to what we
 * read, so the outbound buffer stays bounded; the switch meanwhile queues or drops its own packet-ins, which
 * is its job. Packet-outs written while unwritable are dropped by {@link NettySwitchConnection}.
 */
final class WriteBackpressure extends ChannelInboundHandlerAdapter {
    /** Far above a normal burst of answers (a batch of 64 new flows is ~30 kB), far below memory trouble. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);
    private static final Logger log = LoggerFactory.getLogger(WriteBackpressure.class);

    private final OpenFlowCounters counters;

    WriteBackpressure(OpenFlowCounters counters) {
        this.counters = requireNonNull(counters, "counters");
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(writable);
        if (writable) {
            log.info("{}: writes drained; reading again", ctx.channel().remoteAddress());
        } else {
            counters.increment(OpenFlowCounters.UNWRITABLE);
            log.warn("{}: {} bytes wait to be sent (the switch is not reading); reading from it paused and"
                    + " packet-outs dropped until they drain", ctx.channel().remoteAddress(),
                    ctx.channel().unsafe().outboundBuffer() == null ? 0
                            : ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes());
        }
        ctx.fireChannelWritabilityChanged();
    }
}
