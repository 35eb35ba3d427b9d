package io.flowmasq.controller.nat;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Builds test frames byte by byte (Ethernet + IPv4 + TCP/UDP, ARP). */
public final class Frames {
    public static final int SYN = 0x02;

    private Frames() {
    }

    public static byte[] udp(MacAddress src, MacAddress dst, String srcIp, int srcPort, String dstIp, int dstPort,
                      byte[] payload) {
        ByteBuffer l4 = ByteBuffer.allocate(8 + payload.length);
        l4.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        return ipv4(src, dst, srcIp, dstIp, 17, 64, l4.array());
    }

    public static byte[] tcp(MacAddress src, MacAddress dst, String srcIp, int srcPort, String dstIp, int dstPort,
                      int flags) {
        ByteBuffer l4 = ByteBuffer.allocate(20);
        l4.putShort((short) srcPort).putShort((short) dstPort).putInt(1000).putInt(0)
                .putShort((short) (0x5000 | flags)).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        return ipv4(src, dst, srcIp, dstIp, 6, 64, l4.array());
    }

    public static byte[] ipv4(MacAddress src, MacAddress dst, String srcIp, String dstIp, int proto, int ttl, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4.length);
        b.put(dst.getBytes()).put(src.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) ttl).put((byte) proto).putShort((short) 0)
                .putInt(IPv4Address.of(srcIp).getInt()).putInt(IPv4Address.of(dstIp).getInt());
        b.put(l4);
        return b.array();
    }

    public static byte[] arp(int opcode, MacAddress ethDst, MacAddress senderMac, String senderIp, MacAddress targetMac,
                      String targetIp) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(ethDst.getBytes()).put(senderMac.getBytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) opcode);
        b.put(senderMac.getBytes()).putInt(IPv4Address.of(senderIp).getInt());
        b.put(targetMac.getBytes()).putInt(IPv4Address.of(targetIp).getInt());
        return b.array();
    }

    public static byte[] ipv6() {
        ByteBuffer b = ByteBuffer.allocate(14 + 40);
        b.put(MacAddress.of("33:33:00:00:00:01").getBytes()).put(MacAddress.of("00:00:00:00:00:11").getBytes())
                .putShort((short) 0x86dd).put((byte) 0x60);
        return b.array();
    }
}
