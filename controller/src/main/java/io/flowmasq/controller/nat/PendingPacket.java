package io.flowmasq.controller.nat;

import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.PacketRef;

/** A first packet held while the next hop's MAC is being resolved. */
record PendingPacket(PacketRef ref, Ipv4Packet packet, long arrivedAt) {
}
