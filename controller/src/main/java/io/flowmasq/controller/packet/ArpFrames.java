package io.flowmasq.controller.packet;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Builds the ARP frames the gateway sends (requests for next hops and hosts, replies for its own addresses). */
public final class ArpFrames {
    private static final int FRAME_LENGTH = 60; // minimum Ethernet payload, padded

    private ArpFrames() {
    }

    public static byte[] request(MacAddress senderMac, IPv4Address senderIp, IPv4Address targetIp) {
        return frame(MacAddress.BROADCAST, ArpPacket.REQUEST, senderMac, senderIp, MacAddress.NONE, targetIp);
    }

    /** The reply to {@code request}, saying that {@code ourMac} has the address it asked for. */
    public static byte[] reply(ArpPacket request, MacAddress ourMac) {
        return frame(request.senderMac(), ArpPacket.REPLY, ourMac, request.targetIp(), request.senderMac(),
                request.senderIp());
    }

    private static byte[] frame(MacAddress ethDst, int opcode, MacAddress senderMac, IPv4Address senderIp,
                                MacAddress targetMac, IPv4Address targetIp) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_LENGTH);
        b.put(ethDst.getBytes()).put(senderMac.getBytes()).putShort((short) PacketParser.ETHERTYPE_ARP);
        b.putShort((short) 1).putShort((short) PacketParser.ETHERTYPE_IPV4).put((byte) 6).put((byte) 4);
        b.putShort((short) opcode);
        b.put(senderMac.getBytes()).putInt(senderIp.getInt());
        b.put(targetMac.getBytes()).putInt(targetIp.getInt());
        return b.array();
    }
}
