package io.flowmasq.controller.nat;

import static io.flowmasq.controller.packet.Checksums.read16;
import static io.flowmasq.controller.packet.Checksums.write16;

import io.flowmasq.controller.packet.Checksums;
import io.flowmasq.controller.packet.Ipv4Frame;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Reads and rewrites the datagram quoted inside an ICMP error (RFC 5508 REQ-3/4): its address and
 * port (or echo identifier) on the NAT's side, with the quoted IP header checksum recomputed and the
 * quoted TCP/UDP/ICMP checksum adjusted incrementally where the quote carries it. The outer ICMP
 * checksum is left to the caller (it covers everything changed here).
 */
final class IcmpErrorRewriter {
    /** The quoted datagram's protocol, its two addresses and the L4 "ports" (ICMP: id as both). */
    record Quote(int protocol, IPv4Address src, int srcPort, IPv4Address dst, int dstPort) {
    }

    private IcmpErrorRewriter() {
    }

    /** Offset of the quoted IP header in the frame (after the 8-byte ICMP error header). */
    static int innerIp(Ipv4Frame f) {
        return f.l4() + 8;
    }

    static Optional<Quote> read(Ipv4Frame f) {
        byte[] b = f.bytes();
        int ip = innerIp(f);
        if (b.length < ip + 20 || (b[ip] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int ihl = (b[ip] & 0x0f) * 4;
        int l4 = ip + ihl;
        if (ihl < 20 || b.length < l4 + 8) {
            return Optional.empty();
        }
        int protocol = b[ip + 9] & 0xff;
        IPv4Address src = f.address(ip + 12);
        IPv4Address dst = f.address(ip + 16);
        if (protocol == 1) {
            int id = read16(b, l4 + 4);
            return Optional.of(new Quote(protocol, src, id, dst, id));
        }
        return Optional.of(new Quote(protocol, src, read16(b, l4), dst, read16(b, l4 + 2)));
    }

    /** Rewrites the quoted source (address and port/id) — an error about a packet the NAT sent out. */
    static void rewriteSource(Ipv4Frame f, IPv4Address address, int port) {
        rewrite(f, true, address, port);
    }

    /** Rewrites the quoted destination — an error about a packet the NAT delivered inside. */
    static void rewriteDestination(Ipv4Frame f, IPv4Address address, int port) {
        rewrite(f, false, address, port);
    }

    /** Recomputes the outer ICMP checksum over the whole ICMP message. */
    static void finishIcmp(Ipv4Frame f) {
        byte[] b = f.bytes();
        int len = Ipv4Frame.IP + f.totalLength() - f.l4();
        write16(b, f.l4() + 2, 0);
        write16(b, f.l4() + 2, Checksums.checksum(b, f.l4(), Math.min(len, b.length - f.l4())));
    }

    private static void rewrite(Ipv4Frame f, boolean source, IPv4Address address, int port) {
        byte[] b = f.bytes();
        int ip = innerIp(f);
        int ihl = (b[ip] & 0x0f) * 4;
        int l4 = ip + ihl;
        int protocol = b[ip + 9] & 0xff;
        int addrOffset = ip + (source ? 12 : 16);
        IPv4Address old = f.address(addrOffset);
        int portOffset = protocol == 1 ? l4 + 4 : l4 + (source ? 0 : 2);
        int oldPort = read16(b, portOffset);
        f.writeAddress(addrOffset, address);
        write16(b, portOffset, port);
        write16(b, ip + 10, 0);
        write16(b, ip + 10, Checksums.checksum(b, ip, ihl));
        Checksums.adjustTransport(b, l4, protocol, old, address, oldPort, port);
    }
}
