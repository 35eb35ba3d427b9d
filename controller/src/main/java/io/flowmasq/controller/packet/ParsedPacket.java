package io.flowmasq.controller.packet;

/** The result of parsing a frame: what kind it is and the fields the NAT needs. */
public sealed interface ParsedPacket permits ArpPacket, Ipv4Packet, OtherPacket {
}
