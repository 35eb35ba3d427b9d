package io.flowmasq.flowcompiler.sim;

import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The header fields of one packet as a switch's flow table sees them. Immutable; the "with"
 * methods return changed copies, as rewrite actions do. {@code l4Src}/{@code l4Dst} are the TCP or
 * UDP ports; {@code arpTpa} the ARP target address (ARP only); {@code tcpFlags} the TCP flag bits
 * (TCP only, see {@code TcpFlags}).
 */
public record SimPacket(OFPort inPort, MacAddress ethSrc, MacAddress ethDst, EthType ethType, IpProtocol ipProto,
                        IPv4Address ipv4Src, IPv4Address ipv4Dst, int l4Src, int l4Dst, IPv4Address arpTpa, int ttl,
                        int tcpFlags) {

    /** A packet without TCP flags (UDP, ARP, or a TCP segment whose flags do not matter to the test). */
    public SimPacket(OFPort inPort, MacAddress ethSrc, MacAddress ethDst, EthType ethType, IpProtocol ipProto,
                     IPv4Address ipv4Src, IPv4Address ipv4Dst, int l4Src, int l4Dst, IPv4Address arpTpa, int ttl) {
        this(inPort, ethSrc, ethDst, ethType, ipProto, ipv4Src, ipv4Dst, l4Src, l4Dst, arpTpa, ttl, 0);
    }

    public static SimPacket ipv4(OFPort inPort, MacAddress ethSrc, MacAddress ethDst, IpProtocol proto,
                                 String src, int srcPort, String dst, int dstPort) {
        return new SimPacket(inPort, ethSrc, ethDst, EthType.IPv4, proto, IPv4Address.of(src), IPv4Address.of(dst),
                srcPort, dstPort, null, 64);
    }

    public static SimPacket arp(OFPort inPort, MacAddress ethSrc, String targetAddress) {
        return new SimPacket(inPort, ethSrc, MacAddress.BROADCAST, EthType.ARP, null, null, null, 0, 0,
                IPv4Address.of(targetAddress), 0);
    }

    SimPacket withIpv4Src(IPv4Address v) {
        return new SimPacket(inPort, ethSrc, ethDst, ethType, ipProto, v, ipv4Dst, l4Src, l4Dst, arpTpa, ttl, tcpFlags);
    }

    SimPacket withIpv4Dst(IPv4Address v) {
        return new SimPacket(inPort, ethSrc, ethDst, ethType, ipProto, ipv4Src, v, l4Src, l4Dst, arpTpa, ttl, tcpFlags);
    }

    SimPacket withL4Src(int v) {
        return new SimPacket(inPort, ethSrc, ethDst, ethType, ipProto, ipv4Src, ipv4Dst, v, l4Dst, arpTpa, ttl, tcpFlags);
    }

    SimPacket withL4Dst(int v) {
        return new SimPacket(inPort, ethSrc, ethDst, ethType, ipProto, ipv4Src, ipv4Dst, l4Src, v, arpTpa, ttl, tcpFlags);
    }

    SimPacket withEthSrc(MacAddress v) {
        return new SimPacket(inPort, v, ethDst, ethType, ipProto, ipv4Src, ipv4Dst, l4Src, l4Dst, arpTpa, ttl, tcpFlags);
    }

    SimPacket withEthDst(MacAddress v) {
        return new SimPacket(inPort, ethSrc, v, ethType, ipProto, ipv4Src, ipv4Dst, l4Src, l4Dst, arpTpa, ttl, tcpFlags);
    }

    SimPacket withTtl(int v) {
        return new SimPacket(inPort, ethSrc, ethDst, ethType, ipProto, ipv4Src, ipv4Dst, l4Src, l4Dst, arpTpa, v, tcpFlags);
    }

    /** The same packet with these TCP flags (e.g. {@code TcpFlags.FIN | TcpFlags.ACK}). */
    public SimPacket withTcpFlags(int v) {
        return new SimPacket(inPort, ethSrc, ethDst, ethType, ipProto, ipv4Src, ipv4Dst, l4Src, l4Dst, arpTpa, ttl, v);
    }
}
