package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The outside (public) side: its switch port, the gateway's interface address on it, the public
 * addresses NAPT may use (the interface address first), and the next-hop router all outbound
 * traffic is sent to.
 */
public record OutsideConfig(OFPort port, IPv4Address address, int prefixLength, List<IPv4Address> publicAddresses,
                            MacAddress mac, IPv4Address nextHop) {
    public OutsideConfig {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(nextHop, "nextHop");
        publicAddresses = List.copyOf(publicAddresses);
        if (publicAddresses.isEmpty() || !publicAddresses.get(0).equals(address)) {
            throw new IllegalArgumentException("publicAddresses must start with the interface address");
        }
    }
}
