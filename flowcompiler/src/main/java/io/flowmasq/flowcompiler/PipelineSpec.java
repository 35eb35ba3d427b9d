package io.flowmasq.flowcompiler;

import java.util.List;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** The proactive part of a NAT switch's table: its inside segments and its outside port. */
public record PipelineSpec(List<InsideSegment> inside, OutsideSegment outside) {
    public PipelineSpec {
        inside = List.copyOf(inside);
        Objects.requireNonNull(outside, "outside");
    }

    /** An inside network reached through {@code ports}, where the gateway owns {@code gateway}/{@code mac}. */
    public record InsideSegment(List<OFPort> ports, IPv4Address gateway, MacAddress mac) {
        public InsideSegment {
            ports = List.copyOf(ports);
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(mac, "mac");
        }
    }

    /** The outside port and every address the gateway answers ARP for there. */
    public record OutsideSegment(OFPort port, List<IPv4Address> addresses, MacAddress mac) {
        public OutsideSegment {
            Objects.requireNonNull(port, "port");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(mac, "mac");
        }
    }
}
