package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** One inside network: the switch ports it is reached through and the gateway's address on it. */
public record InsideConfig(List<OFPort> ports, IPv4Address gateway, int prefixLength, MacAddress mac) {
    public InsideConfig {
        ports = List.copyOf(ports);
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(mac, "mac");
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("inside network needs at least one port");
        }
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("prefixLength must be 1..30: " + prefixLength);
        }
    }

    public boolean contains(IPv4Address address) {
        return gateway.withMaskOfLength(prefixLength).contains(address);
    }
}
