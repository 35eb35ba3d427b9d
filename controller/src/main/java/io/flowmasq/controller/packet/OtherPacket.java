package io.flowmasq.controller.packet;

/** A frame the NAT does not translate (IPv6, LLDP, VLAN-tagged, ...), kept for counting. */
public record OtherPacket(int ethType) implements ParsedPacket {
}
