package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The outside endpoint one session of a mapping talks to, under dependent filtering: its outbound flow
 * matches this destination and its inbound flow lets only this source in. {@code port} 0 means any port
 * (address-dependent filtering).
 */
public record RemoteFilter(IPv4Address address, int port) {
    public RemoteFilter {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static RemoteFilter address(IPv4Address address) {
        return new RemoteFilter(address, 0);
    }

    public boolean anyPort() {
        return port == 0;
    }

    /** Whether a packet from {@code source} passes this filter. */
    public boolean admits(Endpoint source) {
        return address.equals(source.address()) && (anyPort() || port == source.port());
    }

    @Override
    public String toString() {
        return anyPort() ? address + ":*" : address + ":" + port;
    }
}
