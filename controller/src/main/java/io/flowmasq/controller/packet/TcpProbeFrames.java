package io.flowmasq.controller.packet;

import static io.flowmasq.controller.packet.Checksums.write16;

import io.flowmasq.flowcompiler.Endpoint;
import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The TCP segments of a virtual server's health check, sent by the gateway itself through packet-outs (the
 * controller's host cannot reach the inside hosts): a SYN to the server, and the RST that tears down the
 * server's half-open connection after its SYN-ACK. Both without options or payload.
 */
public final class TcpProbeFrames {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;
    private static final int HEADER = 20;
    private static final int WINDOW = 1024; // nothing is ever received: the connection is never completed

    private TcpProbeFrames() {
    }

    /** A SYN from {@code gw}:{@code srcPort} to {@code server} with initial sequence number {@code seq}. */
    public static byte[] syn(MacAddress gwMac, MacAddress serverMac, IPv4Address gw, Endpoint server, int srcPort,
                             long seq) {
        return segment(gwMac, serverMac, gw, server, srcPort, seq, 0, SYN, WINDOW);
    }

    /**
     * A bare RST (no ACK) for the server's half-open connection after its SYN-ACK. {@code seq} must be the
     * probe's ISN + 1, the SYN-ACK's acknowledgment number: that is exactly the server's RCV.NXT, the one
     * sequence number a reset is accepted at without a challenge ACK (RFC 5961 3.2; RFC 9293 3.10.7.4),
     * which is also what a host's own stack sends for an unexpected SYN-ACK (RFC 9293 3.5.2: seq = SEG.ACK).
     */
    public static byte[] rst(MacAddress gwMac, MacAddress serverMac, IPv4Address gw, Endpoint server, int srcPort,
                             long seq) {
        return segment(gwMac, serverMac, gw, server, srcPort, seq, 0, RST, 0);
    }

    /**
     * The acknowledgment number of a TCP frame that passed {@link PacketParser} (which does not keep it).
     * The caller has checked that the frame is TCP and not a later fragment.
     */
    public static long acknowledgment(byte[] frame) {
        int l4 = Ipv4Frame.IP + (frame[Ipv4Frame.IP] & 0x0f) * 4;
        return ByteBuffer.wrap(frame).getInt(l4 + 8) & 0xffffffffL;
    }

    private static byte[] segment(MacAddress gwMac, MacAddress serverMac, IPv4Address gw, Endpoint server,
                                  int srcPort, long seq, long ack, int flags, int window) {
        if (srcPort < 1 || srcPort > 65535 || server.port() < 1) {
            throw new IllegalArgumentException("ports must be 1..65535: " + srcPort + " -> " + server);
        }
        ByteBuffer tcp = ByteBuffer.allocate(HEADER);
        tcp.putShort((short) srcPort).putShort((short) server.port()).putInt((int) seq).putInt((int) ack)
                .put((byte) (HEADER / 4 << 4)).put((byte) flags).putShort((short) window)
                .putShort((short) 0).putShort((short) 0);
        byte[] body = tcp.array();
        write16(body, 16, tcpChecksum(gw, server.address(), body));
        return IcmpFrames.ipv4(gwMac, serverMac, gw, server.address(), Ipv4Packet.PROTO_TCP, body);
    }

    private static int tcpChecksum(IPv4Address src, IPv4Address dst, byte[] segment) {
        byte[] pseudo = ByteBuffer.allocate(12 + segment.length).putInt(src.getInt()).putInt(dst.getInt())
                .put((byte) 0).put((byte) Ipv4Packet.PROTO_TCP).putShort((short) segment.length).put(segment)
                .array();
        return Checksums.checksum(pseudo, 0, pseudo.length);
    }
}
