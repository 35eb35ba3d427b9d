package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * One inside host in the penalty box: its IPv4 packets to the gateway MAC on {@code port} are dropped by the
 * switch for {@code seconds} (a hard timeout, so the box opens by itself even if the controller is gone).
 */
public record PenaltySpec(OFPort port, MacAddress gatewayMac, IPv4Address host, int seconds) {
    public PenaltySpec {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(gatewayMac, "gatewayMac");
        Objects.requireNonNull(host, "host");
        if (seconds < 1 || seconds > 65535) {
            throw new IllegalArgumentException("penalty seconds out of range: " + seconds);
        }
    }
}
