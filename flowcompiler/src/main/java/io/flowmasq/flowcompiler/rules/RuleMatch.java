package io.flowmasq.flowcompiler.rules;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * What traffic a rule applies to, seen from the flow's first packet leaving the inside: the inside source
 * prefix, the outside destination prefix, the protocol and the destination port span. The forms that are
 * reached from outside (port forwards, virtual servers) and the forms whose addresses say it all (twice NAT)
 * take the match from their form ({@link RuleForm#impliedMatch}).
 */
public record RuleMatch(IPv4AddressWithMask inside, IPv4AddressWithMask outside, RuleProtocol protocol,
                        PortSpan ports) {
    public static final IPv4AddressWithMask ANY_PREFIX = IPv4AddressWithMask.of(IPv4Address.NONE, IPv4Address.NONE);
    public static final RuleMatch ANY = new RuleMatch(ANY_PREFIX, ANY_PREFIX, RuleProtocol.ANY, PortSpan.ANY);

    public RuleMatch {
        inside = Prefixes.normalise(Objects.requireNonNull(inside, "inside"));
        outside = Prefixes.normalise(Objects.requireNonNull(outside, "outside"));
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(ports, "ports");
        if (!ports.isAny() && !protocol.hasPorts()) {
            throw new IllegalArgumentException("ports need protocol tcp or udp, not " + protocol.label());
        }
    }

    /** Whether a first packet from {@code src} to {@code dst} (protocol number, destination port) matches. */
    public boolean matches(IPv4Address src, IPv4Address dst, int ipProtocol, int dstPort) {
        return inside.matches(src) && outside.matches(dst) && protocol.matches(ipProtocol)
                && (ports.isAny() || ports.contains(dstPort));
    }

    /** Whether every packet this match takes, {@code other} takes too (this rule is shadowed by it). */
    public boolean coveredBy(RuleMatch other) {
        return Prefixes.covers(other.inside, inside) && Prefixes.covers(other.outside, outside)
                && other.protocol.covers(protocol) && other.ports.covers(ports);
    }

    /** Whether some packet matches both. */
    public boolean overlaps(RuleMatch other) {
        return Prefixes.overlap(inside, other.inside) && Prefixes.overlap(outside, other.outside)
                && protocol.overlaps(other.protocol) && ports.overlaps(other.ports);
    }

    public RuleMatch withInside(IPv4AddressWithMask p) {
        return new RuleMatch(p, outside, protocol, ports);
    }

    @Override
    public String toString() {
        return "inside " + Prefixes.label(inside) + ", outside " + Prefixes.label(outside) + ", "
                + protocol.label() + (ports.isAny() ? "" : " port " + ports);
    }
}
