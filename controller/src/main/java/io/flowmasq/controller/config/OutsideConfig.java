package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The outside (public) side: its switch port, the gateway's interface address on it, the public
 * addresses NAPT may use (the interface address first), the next-hop router all outbound
 * traffic is sent to, and the link's MTU (what {@code mssClamp: "auto"} derives the MSS from).
 */
public record OutsideConfig(OFPort port, IPv4Address address, int prefixLength, List<IPv4Address> publicAddresses,
                            MacAddress mac, IPv4Address nextHop, int mtu) {
    public static final int DEFAULT_MTU = 1500;
    /** The smallest datagram every IPv4 host must accept (RFC 791) up to a jumbo frame. */
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 9216;

    public OutsideConfig {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(nextHop, "nextHop");
        publicAddresses = List.copyOf(publicAddresses);
        if (publicAddresses.isEmpty() || !publicAddresses.get(0).equals(address)) {
            throw new IllegalArgumentException("publicAddresses must start with the interface address");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " outside " + MIN_MTU + ".." + MAX_MTU);
        }
    }
}
