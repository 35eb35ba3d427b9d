package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** Serialises Loxi messages; an invalid message fails its write promise (EncoderException). */
final class OpenFlowMessageEncoder extends MessageToByteEncoder<OFMessage> {
    private final OpenFlowCounters counters;

    OpenFlowMessageEncoder(OpenFlowCounters counters) {
        super(OFMessage.class);
        this.counters = requireNonNull(counters, "counters");
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, OFMessage message, ByteBuf out) {
        message.writeTo(out);
        counters.increment(OpenFlowCounters.MESSAGES_OUT);
    }
}
