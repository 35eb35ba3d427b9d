package io.flowmasq.controller.packet;

import io.flowmasq.flowcompiler.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * An IPv4 packet's header fields the NAT decides on. {@code srcPort}/{@code dstPort} are set for
 * TCP and UDP first fragments (else -1); {@code tcpFlags} for TCP (else 0).
 */
public record Ipv4Packet(MacAddress ethSrc, MacAddress ethDst, IPv4Address src, IPv4Address dst, int protocol,
                         int ttl, boolean fragment, int srcPort, int dstPort, int tcpFlags) implements ParsedPacket {
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public boolean hasPorts() {
        return srcPort >= 0;
    }

    /** The binding protocol of a TCP or UDP packet; fails for anything else. */
    public Protocol transport() {
        return Protocol.of(protocol).orElseThrow(() -> new IllegalStateException("not TCP/UDP: " + protocol));
    }
}
