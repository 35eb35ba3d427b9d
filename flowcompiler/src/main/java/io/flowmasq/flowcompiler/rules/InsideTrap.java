package io.flowmasq.flowcompiler.rules;

import java.util.Objects;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** An inside port a twice-NAT trap listens on, and the gateway MAC routed frames are sent to there. */
public record InsideTrap(OFPort port, MacAddress gatewayMac) {
    public InsideTrap {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(gatewayMac, "gatewayMac");
    }
}
