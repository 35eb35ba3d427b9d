package io.flowmasq.controller.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** An Ethernet/IPv4 ARP packet. {@code opcode} 1 = request, 2 = reply. */
public record ArpPacket(MacAddress ethSrc, MacAddress ethDst, int opcode, MacAddress senderMac,
                        IPv4Address senderIp, MacAddress targetMac, IPv4Address targetIp) implements ParsedPacket {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    public boolean isRequest() {
        return opcode == REQUEST;
    }
}
