package io.flowmasq.controller.packet;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Parses Ethernet frames from packet-ins. Pure; never throws anything but {@link MalformedPacketException}. */
public final class PacketParser {
    public static final int ETH_HEADER = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;

    private PacketParser() {
    }

    public static ParsedPacket parse(byte[] frame) throws MalformedPacketException {
        if (frame.length < ETH_HEADER) {
            throw new MalformedPacketException("truncated_ethernet", "frame of " + frame.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        MacAddress dst = mac(b, 0);
        MacAddress src = mac(b, 6);
        int ethType = b.getShort(12) & 0xffff;
        switch (ethType) {
            case ETHERTYPE_ARP:
                return arp(b, src, dst);
            case ETHERTYPE_IPV4:
                return ipv4(b, src, dst);
            default:
                return new OtherPacket(ethType);
        }
    }

    private static ArpPacket arp(ByteBuffer b, MacAddress src, MacAddress dst) throws MalformedPacketException {
        if (b.limit() < ETH_HEADER + 28) {
            throw new MalformedPacketException("truncated_arp", "ARP frame of " + b.limit() + " bytes");
        }
        int o = ETH_HEADER;
        int htype = b.getShort(o) & 0xffff;
        int ptype = b.getShort(o + 2) & 0xffff;
        if (htype != 1 || ptype != ETHERTYPE_IPV4 || b.get(o + 4) != 6 || b.get(o + 5) != 4) {
            throw new MalformedPacketException("bad_arp", "ARP not Ethernet/IPv4: htype=" + htype + " ptype=" + ptype);
        }
        int opcode = b.getShort(o + 6) & 0xffff;
        return new ArpPacket(src, dst, opcode, mac(b, o + 8), IPv4Address.of(b.getInt(o + 14)),
                mac(b, o + 18), IPv4Address.of(b.getInt(o + 24)));
    }

    private static Ipv4Packet ipv4(ByteBuffer b, MacAddress src, MacAddress dst) throws MalformedPacketException {
        int o = ETH_HEADER;
        if (b.limit() < o + 20) {
            throw new MalformedPacketException("truncated_ipv4", "IPv4 header cut at " + (b.limit() - o) + " bytes");
        }
        int versionIhl = b.get(o) & 0xff;
        if (versionIhl >> 4 != 4) {
            throw new MalformedPacketException("bad_ip_version", "IP version " + (versionIhl >> 4) + " in an IPv4 frame");
        }
        int ihl = (versionIhl & 0x0f) * 4;
        int totalLength = b.getShort(o + 2) & 0xffff;
        if (ihl < 20 || totalLength < ihl || b.limit() < o + ihl) {
            throw new MalformedPacketException("bad_ihl", "IHL " + ihl + " with total length " + totalLength);
        }
        // Packet-ins carry whole frames (no miss_send_len cut): a datagram longer than its frame was cut
        // or lies, and everything after the header (the translators' copies) is bounded by the total length.
        if (b.limit() < o + totalLength) {
            throw new MalformedPacketException("truncated_ipv4", "total length " + totalLength + " in a frame of "
                    + (b.limit() - o) + " IP bytes");
        }
        int end = o + totalLength;
        int flagsOffset = b.getShort(o + 6) & 0xffff;
        boolean moreFragments = (flagsOffset & 0x2000) != 0;
        int fragmentOffset = flagsOffset & 0x1fff;
        int ttl = b.get(o + 8) & 0xff;
        int protocol = b.get(o + 9) & 0xff;
        IPv4Address srcIp = IPv4Address.of(b.getInt(o + 12));
        IPv4Address dstIp = IPv4Address.of(b.getInt(o + 16));
        int srcPort = -1;
        int dstPort = -1;
        int tcpFlags = 0;
        int l4 = o + ihl;
        boolean ported = protocol == Ipv4Packet.PROTO_TCP || protocol == Ipv4Packet.PROTO_UDP;
        if (protocol == Ipv4Packet.PROTO_ICMP && fragmentOffset == 0 && end < l4 + 8) {
            throw new MalformedPacketException("truncated_l4", "ICMP header cut at " + (end - l4) + " bytes");
        }
        if (ported && fragmentOffset == 0) {
            int need = protocol == Ipv4Packet.PROTO_TCP ? 14 : 8;
            if (end < l4 + need) {
                throw new MalformedPacketException("truncated_l4", "L4 header cut at " + (end - l4) + " bytes");
            }
            srcPort = b.getShort(l4) & 0xffff;
            dstPort = b.getShort(l4 + 2) & 0xffff;
            if (protocol == Ipv4Packet.PROTO_TCP) {
                tcpFlags = b.getShort(l4 + 12) & 0x0fff;
                // receivers discard such segments (RFC 9293 3.1); the ALG and MSS clamp need the options' end
                int dataOffset = ((b.get(l4 + 12) >> 4) & 0x0f) * 4;
                if (dataOffset < 20 || l4 + dataOffset > end) {
                    throw new MalformedPacketException("bad_tcp_offset", "TCP data offset " + dataOffset + " with "
                            + (end - l4) + " bytes of segment");
                }
            }
        }
        return new Ipv4Packet(src, dst, srcIp, dstIp, protocol, ttl, moreFragments || fragmentOffset != 0,
                srcPort, dstPort, tcpFlags);
    }

    private static MacAddress mac(ByteBuffer b, int offset) {
        byte[] m = new byte[6];
        b.get(offset, m);
        return MacAddress.of(m);
    }
}
