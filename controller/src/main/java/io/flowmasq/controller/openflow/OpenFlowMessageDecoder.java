package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses one framed message (any OpenFlow version) into a Loxi {@link OFMessage}.
 *
 * <p>A message Loxi cannot read (malformed body, unknown type or version) is logged with its
 * header, counted and dropped: the frame decoder already knows where the next message starts, so
 * one bad message must not take the session down. The log lines are rate-bounded
 * ({@link RateLimitedLog}): a broken or hostile peer can send thousands a second.
 */
final class OpenFlowMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowMessageDecoder.class);
    private static final int MAX_LOGGED_BYTES = 64;

    private final OpenFlowCounters counters;
    private final RateLimitedLog limit = new RateLimitedLog(log, "unparsable OpenFlow messages");

    OpenFlowMessageDecoder(OpenFlowCounters counters) {
        this.counters = requireNonNull(counters, "counters");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        int start = frame.readerIndex();
        OFMessage message;
        try {
            message = OFFactories.getGenericReader().readFrom(frame);
        } catch (OFParseError | RuntimeException e) {
            dropped(ctx, frame, start, e.toString());
            return;
        }
        if (message == null) {
            dropped(ctx, frame, start, "body too short for its type");
            return;
        }
        counters.increment(OpenFlowCounters.MESSAGES_IN);
        out.add(message);
    }

    private void dropped(ChannelHandlerContext ctx, ByteBuf frame, int start, String why) {
        counters.increment(OpenFlowCounters.PARSE_ERRORS);
        if (!limit.permit()) {
            return;
        }
        int length = frame.getUnsignedShort(start + 2);
        log.warn("{}: dropped unparsable OpenFlow message version=0x{} type={} length={} xid={}: {}"
                        + " (first bytes {})",
                ctx.channel().remoteAddress(), Integer.toHexString(frame.getUnsignedByte(start)),
                frame.getUnsignedByte(start + 1), length, frame.getUnsignedInt(start + 4), why,
                ByteBufUtil.hexDump(frame, start, Math.min(length, MAX_LOGGED_BYTES)));
    }
}
