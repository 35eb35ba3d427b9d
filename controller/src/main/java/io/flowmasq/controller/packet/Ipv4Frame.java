package io.flowmasq.controller.packet;

import static io.flowmasq.controller.packet.Checksums.read16;
import static io.flowmasq.controller.packet.Checksums.write16;

import java.util.Arrays;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * A private, editable copy of an Ethernet/IPv4 frame for the packets the controller translates
 * itself (ICMP). Setters change bytes only; {@link #finish()} recomputes the IPv4 header checksum.
 * The frame must already have passed {@link PacketParser}.
 */
public final class Ipv4Frame {
    public static final int IP = PacketParser.ETH_HEADER;
    private final byte[] b;

    private Ipv4Frame(byte[] bytes) {
        this.b = bytes;
    }

    /** A copy of {@code frame}, trimmed to the IPv4 total length (drops Ethernet padding). */
    public static Ipv4Frame copyOf(byte[] frame) {
        int total = read16(frame, IP + 2);
        return new Ipv4Frame(Arrays.copyOf(frame, Math.min(frame.length, IP + total)));
    }

    public byte[] bytes() {
        return b;
    }

    public int ihl() {
        return (b[IP] & 0x0f) * 4;
    }

    /** Offset of the IPv4 payload (L4 header) in the frame. */
    public int l4() {
        return IP + ihl();
    }

    public int totalLength() {
        return read16(b, IP + 2);
    }

    public int ttl() {
        return b[IP + 8] & 0xff;
    }

    public IPv4Address src() {
        return address(IP + 12);
    }

    public IPv4Address dst() {
        return address(IP + 16);
    }

    public Ipv4Frame ethernet(MacAddress src, MacAddress dst) {
        System.arraycopy(dst.getBytes(), 0, b, 0, 6);
        System.arraycopy(src.getBytes(), 0, b, 6, 6);
        return this;
    }

    public Ipv4Frame src(IPv4Address a) {
        writeAddress(IP + 12, a);
        return this;
    }

    public Ipv4Frame dst(IPv4Address a) {
        writeAddress(IP + 16, a);
        return this;
    }

    public Ipv4Frame decrementTtl() {
        b[IP + 8] = (byte) (ttl() - 1);
        return this;
    }

    /** Recomputes the IPv4 header checksum; returns the frame bytes. */
    public byte[] finish() {
        write16(b, IP + 10, 0);
        write16(b, IP + 10, Checksums.checksum(b, IP, ihl()));
        return b;
    }

    public IPv4Address address(int offset) {
        return IPv4Address.of(((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16)
                | ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff));
    }

    public void writeAddress(int offset, IPv4Address a) {
        int v = a.getInt();
        b[offset] = (byte) (v >>> 24);
        b[offset + 1] = (byte) (v >>> 16);
        b[offset + 2] = (byte) (v >>> 8);
        b[offset + 3] = (byte) v;
    }
}
