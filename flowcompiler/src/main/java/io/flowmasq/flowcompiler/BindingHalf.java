package io.flowmasq.flowcompiler;

import java.util.Objects;
import java.util.Optional;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * What one installed flow of a binding tells about the binding. A binding's two flows each know part of
 * its {@link BindingSpec}: the outbound flow the public endpoint and the outside hop but not the inside
 * host's MAC, the inbound flow the inside hop but not the outside MACs, and an ALG flow (every segment to
 * the controller) no rewrites at all. Unknown facts are null; {@link #merge} combines what two sources know
 * and {@link #spec} builds the spec once everything is known.
 *
 * @param direction  which of the binding's flows this is (null for a merge of both)
 * @param flavour    how the flow forwards (null for a merge of both)
 * @param remote     the remote filter the flow matches; null under endpoint-independent filtering
 */
public record BindingHalf(Direction direction, Flavour flavour, Protocol protocol, Endpoint inside,
                          Endpoint external, RemoteFilter remote, OFPort insidePort, MacAddress gatewayInsideMac,
                          MacAddress hostMac, OFPort outsidePort, MacAddress gatewayOutsideMac,
                          MacAddress nextHopMac) {
    /** Outbound: inside to outside, the flow with the binding's idle timeout. */
    public enum Direction {
        OUTBOUND, INBOUND
    }

    public enum Flavour {
        /** Rewrite and forward. */
        PLAIN,
        /**
         * A TRANSITORY TCP binding's handshake report flow (either direction): SYN and ACK set (tcp_flags),
         * rewrite, forward, and a copy to the controller. A third flow beside the binding's two plain ones.
         */
        REPORT,
        /** Every packet to the controller, untranslated (an ALG connection, e.g. FTP control). */
        ALG
    }

    public BindingHalf {
        Objects.requireNonNull(protocol, "protocol");
    }

    /**
     * Both sources' facts; empty when they disagree on one (then they cannot describe the same binding).
     * Direction and flavour are kept only where both agree.
     */
    public Optional<BindingHalf> merge(BindingHalf other) {
        if (protocol != other.protocol || !Objects.equals(remote, other.remote)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BindingHalf(direction == other.direction ? direction : null,
                    flavour == other.flavour ? flavour : null, protocol,
                    pick(inside, other.inside), pick(external, other.external), remote,
                    pick(insidePort, other.insidePort), pick(gatewayInsideMac, other.gatewayInsideMac),
                    pick(hostMac, other.hostMac), pick(outsidePort, other.outsidePort),
                    pick(gatewayOutsideMac, other.gatewayOutsideMac), pick(nextHopMac, other.nextHopMac)));
        } catch (IllegalArgumentException disagree) {
            return Optional.empty();
        }
    }

    /** The full spec with {@code id} and {@code idleTimeout}, when every fact is known. */
    public Optional<BindingSpec> spec(long id, int idleTimeout) {
        if (inside == null || external == null || insidePort == null || gatewayInsideMac == null || hostMac == null
                || outsidePort == null || gatewayOutsideMac == null || nextHopMac == null) {
            return Optional.empty();
        }
        return Optional.of(new BindingSpec(id, protocol, inside, external,
                new L2Hop(insidePort, gatewayInsideMac, hostMac),
                new L2Hop(outsidePort, gatewayOutsideMac, nextHopMac), idleTimeout, remote));
    }

    /** Everything a complete spec says, as a half of no particular direction. */
    public static BindingHalf of(BindingSpec spec) {
        return new BindingHalf(null, null, spec.protocol(), spec.inside(), spec.external(), spec.remote(),
                spec.toInside().port(), spec.toInside().source(), spec.toInside().destination(),
                spec.toOutside().port(), spec.toOutside().source(), spec.toOutside().destination());
    }

    private static <T> T pick(T a, T b) {
        if (a != null && b != null && !a.equals(b)) {
            throw new IllegalArgumentException(a + " vs " + b);
        }
        return a != null ? a : b;
    }
}
