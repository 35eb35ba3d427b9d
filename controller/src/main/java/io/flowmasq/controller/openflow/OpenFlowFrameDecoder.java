package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the byte stream into OpenFlow messages using the header's length field
 * (version(1) type(1) length(2) xid(4)); emits one retained slice per message.
 *
 * <p>A length below the 8-byte header cannot be skipped safely: the stream's framing is lost, so
 * the connection is counted, logged and closed. This is the only malformed input that ends a session
 * (a switch reconnects at once); every other bad message is one frame that the next stage drops. A
 * length field that is too large but at least 8 cannot be told from a long message: the bytes after it
 * are read as its body, and the stream resynchronises (or hits this case) with the next header.
 */
final class OpenFlowFrameDecoder extends LengthFieldBasedFrameDecoder {
    static final int HEADER_LENGTH = 8;
    private static final int MAX_FRAME = 0xffff;
    private static final Logger log = LoggerFactory.getLogger(OpenFlowFrameDecoder.class);

    private final OpenFlowCounters counters;

    OpenFlowFrameDecoder(OpenFlowCounters counters) {
        super(MAX_FRAME, 2, 2, -4, 0);
        this.counters = requireNonNull(counters, "counters");
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= 4) {
            int start = in.readerIndex();
            int length = in.getUnsignedShort(start + 2);
            if (length < HEADER_LENGTH) {
                counters.increment(OpenFlowCounters.FRAMING_ERRORS);
                log.warn("{}: OpenFlow framing lost (version=0x{} type={} length={} < {}); closing",
                        ctx.channel().remoteAddress(), Integer.toHexString(in.getUnsignedByte(start)),
                        in.getUnsignedByte(start + 1), length, HEADER_LENGTH);
                in.skipBytes(in.readableBytes());
                ctx.close();
                return null;
            }
        }
        return super.decode(ctx, in);
    }
}
