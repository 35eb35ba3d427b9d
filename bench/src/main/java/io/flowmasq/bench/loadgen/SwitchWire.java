package io.flowmasq.bench.loadgen;

import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * The two messages on the load generator's hot path, by hand: packet-ins written straight into the
 * outgoing buffer and packet-outs read in place (the controller decodes everything with Loxi; the
 * generator must stay cheaper than what it measures). Everything else goes through Loxi.
 */
public final class SwitchWire {
    public static final int TYPE_PACKET_IN = 10;
    public static final int TYPE_FLOW_MOD = 14;
    public static final int TYPE_PACKET_OUT = 13;
    public static final long NO_BUFFER = 0xffffffffL;
    static final int REASON_ACTION = 1;
    static final int OFPMT_OXM = 1;
    static final int OXM_IN_PORT = 0x80000004; // OpenFlow basic class, field IN_PORT, 4 bytes

    private final OFVersion version;
    private final byte wireVersion;
    private final long newFlowCookie;

    /** {@code newFlowCookie}: the cookie of the pipeline flow that sends new flows up (OF1.3 packet-ins carry it). */
    public SwitchWire(OFVersion version, long newFlowCookie) {
        if (version != OFVersion.OF_10 && version != OFVersion.OF_13) {
            throw new IllegalArgumentException("OF1.0 or OF1.3, not " + version);
        }
        this.version = version;
        this.wireVersion = (byte) version.getWireVersion();
        this.newFlowCookie = newFlowCookie;
    }

    public OFVersion version() {
        return version;
    }

    /** A packet-in (reason ACTION, as from a flow's output:CONTROLLER) carrying the whole {@code frame}. */
    public void writePacketIn(ByteBuf out, int xid, long bufferId, int inPort, byte[] frame) {
        if (version == OFVersion.OF_13) {
            int length = 8 + 16 + 16 + 2 + frame.length;
            out.writeByte(wireVersion).writeByte(TYPE_PACKET_IN).writeShort(length).writeInt(xid);
            out.writeInt((int) bufferId).writeShort(frame.length).writeByte(REASON_ACTION).writeByte(0);
            out.writeLong(newFlowCookie);
            out.writeShort(OFPMT_OXM).writeShort(4 + 8).writeInt(OXM_IN_PORT).writeInt(inPort).writeInt(0);
            out.writeShort(0);
        } else {
            int length = 18 + frame.length;
            out.writeByte(wireVersion).writeByte(TYPE_PACKET_IN).writeShort(length).writeInt(xid);
            out.writeInt((int) bufferId).writeShort(frame.length).writeShort(inPort).writeByte(REASON_ACTION)
                    .writeByte(0);
        }
        out.writeBytes(frame);
    }

    /** The buffer id of a packet-out (the whole message in {@code m} from its reader index). */
    public long packetOutBufferId(ByteBuf m) {
        return m.getUnsignedInt(m.readerIndex() + 8);
    }

    public int packetOutActionsLength(ByteBuf m) {
        return m.getUnsignedShort(m.readerIndex() + (version == OFVersion.OF_13 ? 16 : 14));
    }

    /** Where the packet-out's frame starts, relative to the message. */
    public int packetOutDataOffset(ByteBuf m) {
        return (version == OFVersion.OF_13 ? 24 : 16) + packetOutActionsLength(m);
    }
}
