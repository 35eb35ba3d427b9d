package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** How a translated packet leaves the switch: the port, and the Ethernet source/destination it gets. */
public record L2Hop(OFPort port, MacAddress source, MacAddress destination) {
    public L2Hop {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
    }
}
