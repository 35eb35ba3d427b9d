package io.flowmasq.controller.packet;

import static io.flowmasq.controller.packet.Checksums.write16;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Builds the ICMP messages the gateway originates itself (time exceeded, echo replies). */
public final class IcmpFrames {
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    /** Destination unreachable code 13: communication administratively prohibited (RFC 1812 5.2.7.1). */
    public static final int ADMIN_PROHIBITED = 13;
    /** RFC 1812 4.3.2.3: the error datagram must not exceed 576 bytes. */
    private static final int MAX_ERROR_DATAGRAM = 576;
    private static final int DEFAULT_TTL = 64;

    private IcmpFrames() {
    }

    /**
     * ICMP time exceeded in transit (type 11 code 0) from {@code from} to the sender of
     * {@code offending} (an Ethernet/IPv4 frame), quoting as much of it as fits in 576 bytes.
     */
    public static byte[] timeExceeded(byte[] offending, MacAddress ourMac, IPv4Address from) {
        Ipv4Frame original = Ipv4Frame.copyOf(offending);
        int quoted = Math.min(original.totalLength(), MAX_ERROR_DATAGRAM - 20 - 8);
        ByteBuffer icmp = ByteBuffer.allocate(8 + quoted);
        icmp.put((byte) TIME_EXCEEDED).put((byte) 0).putShort((short) 0).putInt(0);
        icmp.put(original.bytes(), Ipv4Frame.IP, quoted);
        byte[] body = icmp.array();
        write16(body, 2, Checksums.checksum(body, 0, body.length));
        MacAddress senderMac = MacAddress.of(java.util.Arrays.copyOfRange(offending, 6, 12));
        return ipv4(ourMac, senderMac, from, original.src(), 1, body);
    }

    /**
     * ICMP destination unreachable, communication administratively prohibited (type 3 code 13), from
     * {@code from} to the sender of {@code offending}, quoting its IP header and the first 8 bytes of its
     * payload (RFC 792; enough for the sender to find the socket). {@code offending} is an Ethernet/IPv4
     * frame, or the start of one that holds at least those bytes.
     */
    public static byte[] adminProhibited(byte[] offending, MacAddress ourMac, IPv4Address from) {
        int ihl = (offending[Ipv4Frame.IP] & 0x0f) * 4;
        int quoted = Math.min(offending.length - Ipv4Frame.IP, ihl + 8);
        ByteBuffer icmp = ByteBuffer.allocate(8 + quoted);
        icmp.put((byte) DEST_UNREACHABLE).put((byte) ADMIN_PROHIBITED).putShort((short) 0).putInt(0);
        icmp.put(offending, Ipv4Frame.IP, quoted);
        byte[] body = icmp.array();
        write16(body, 2, Checksums.checksum(body, 0, body.length));
        MacAddress senderMac = MacAddress.of(java.util.Arrays.copyOfRange(offending, 6, 12));
        IPv4Address sender = IPv4Address.of(java.util.Arrays.copyOfRange(offending, Ipv4Frame.IP + 12,
                Ipv4Frame.IP + 16));
        return ipv4(ourMac, senderMac, from, sender, 1, body);
    }

    /** The echo reply to an echo request frame addressed to one of the gateway's addresses. */
    public static byte[] echoReply(byte[] request, MacAddress ourMac) {
        Ipv4Frame req = Ipv4Frame.copyOf(request);
        byte[] body = java.util.Arrays.copyOfRange(req.bytes(), req.l4(), req.bytes().length);
        body[0] = ECHO_REPLY;
        write16(body, 2, 0);
        write16(body, 2, Checksums.checksum(body, 0, body.length));
        MacAddress senderMac = MacAddress.of(java.util.Arrays.copyOfRange(request, 6, 12));
        return ipv4(ourMac, senderMac, req.dst(), req.src(), 1, body);
    }

    static byte[] ipv4(MacAddress src, MacAddress dst, IPv4Address from, IPv4Address to, int protocol,
                       byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + payload.length);
        b.put(dst.getBytes()).put(src.getBytes()).putShort((short) PacketParser.ETHERTYPE_IPV4);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0)
                .putShort((short) 0).put((byte) DEFAULT_TTL).put((byte) protocol).putShort((short) 0)
                .putInt(from.getInt()).putInt(to.getInt()).put(payload);
        byte[] frame = b.array();
        write16(frame, Ipv4Frame.IP + 10, Checksums.checksum(frame, Ipv4Frame.IP, 20));
        return frame;
    }
}
