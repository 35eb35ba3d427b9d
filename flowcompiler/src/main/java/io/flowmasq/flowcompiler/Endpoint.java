package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;

/** An IPv4 transport address (address and 16-bit port). */
public record Endpoint(IPv4Address address, int port) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static Endpoint of(String address, int port) {
        return new Endpoint(IPv4Address.of(address), port);
    }

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
