package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.ArpFrames;
import io.flowmasq.controller.packet.ArpPacket;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Decides what the gateway answers to an ARP packet that reached the controller, and which
 * neighbours it learns. It only speaks for its own addresses, on the port they live on.
 */
final class ArpResponder {
    private final SwitchConfig config;
    /** The outside addresses of the rule chain in force (it changes at runtime). */
    private final Supplier<PublicAddresses> publicAddresses;

    ArpResponder(SwitchConfig config, Supplier<PublicAddresses> publicAddresses) {
        this.config = config;
        this.publicAddresses = publicAddresses;
    }

    /** The MAC that owns {@code target} on {@code port}, when the gateway does. */
    Optional<MacAddress> ownerOf(OFPort port, IPv4Address target) {
        if (port.equals(config.outside().port())) {
            return publicAddresses.get().owns(target)
                    ? Optional.of(config.outside().mac()) : Optional.empty();
        }
        for (InsideConfig inside : config.inside()) {
            if (inside.ports().contains(port) && inside.gateway().equals(target)) {
                return Optional.of(inside.mac());
            }
        }
        return Optional.empty();
    }

    /** A reply frame for a request for one of our addresses; empty for anything else. */
    Optional<byte[]> replyTo(OFPort port, ArpPacket arp) {
        if (!arp.isRequest()) {
            return Optional.empty();
        }
        return ownerOf(port, arp.targetIp()).map(mac -> ArpFrames.reply(arp, mac));
    }

    /** Whether the sender is a neighbour on that port's subnet, worth remembering. */
    boolean isNeighbour(OFPort port, IPv4Address sender) {
        if (sender.equals(IPv4Address.NONE)) {
            return false;
        }
        if (port.equals(config.outside().port())) {
            return config.outside().address().withMaskOfLength(config.outside().prefixLength()).contains(sender);
        }
        List<InsideConfig> insides = config.inside();
        return insides.stream().anyMatch(i -> i.ports().contains(port) && i.contains(sender));
    }
}
