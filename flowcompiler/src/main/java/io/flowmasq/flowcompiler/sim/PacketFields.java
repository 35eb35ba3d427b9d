package io.flowmasq.flowcompiler.sim;

import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U16;

/** Reads a match field's value out of a {@link SimPacket}; null when the packet has no such field. */
final class PacketFields {
    private PacketFields() {
    }

    static Object value(SimPacket p, MatchField<?> field) {
        switch (field.id) {
            case IN_PORT: return p.inPort();
            case ETH_SRC: return p.ethSrc();
            case ETH_DST: return p.ethDst();
            case ETH_TYPE: return p.ethType();
            case IP_PROTO: return p.ipProto();
            case IPV4_SRC: return p.ipv4Src();
            case IPV4_DST: return p.ipv4Dst();
            case ARP_TPA: return p.arpTpa();
            case TCP_SRC: return l4(p, IpProtocol.TCP, p.l4Src());
            case TCP_DST: return l4(p, IpProtocol.TCP, p.l4Dst());
            case UDP_SRC: return l4(p, IpProtocol.UDP, p.l4Src());
            case UDP_DST: return l4(p, IpProtocol.UDP, p.l4Dst());
            case OVS_TCP_FLAGS: return IpProtocol.TCP.equals(p.ipProto()) ? U16.of(p.tcpFlags()) : null;
            default: throw new IllegalArgumentException("simulator does not model match field " + field.getName());
        }
    }

    private static TransportPort l4(SimPacket p, IpProtocol proto, int port) {
        return proto.equals(p.ipProto()) ? TransportPort.of(port) : null;
    }
}
