package io.flowmasq.flowcompiler;

import org.projectfloodlight.openflow.types.IpProtocol;

/** Transport protocols the NAT translates with per-flow bindings. */
public enum Protocol {
    TCP(IpProtocol.TCP),
    UDP(IpProtocol.UDP);

    private final IpProtocol ipProtocol;

    Protocol(IpProtocol ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    public IpProtocol ipProtocol() {
        return ipProtocol;
    }

    /** The protocol of an IPv4 protocol number, when it is one the NAT binds. */
    public static java.util.Optional<Protocol> of(int ipProtocolNumber) {
        for (Protocol p : values()) {
            if (p.ipProtocol.getIpProtocolNumber() == ipProtocolNumber) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /** Lower-case name as used in JSON and logs ("tcp", "udp"). */
    /** The protocol whose {@link #label()} is {@code label} ("tcp", "udp", "icmp"). */
    public static java.util.Optional<Protocol> byLabel(String label) {
        return java.util.Arrays.stream(values()).filter(p -> p.label().equals(label)).findFirst();
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
