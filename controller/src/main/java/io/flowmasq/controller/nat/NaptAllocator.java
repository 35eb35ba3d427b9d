package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Chooses public endpoints for NAPT. Pooling is paired (RFC 4787 REQ-2): an inside address always
 * maps to the same public address, chosen by a stable hash. Ports come from one
 * {@link PortAllocator} per public address and protocol; the inside port is kept when it is in the
 * range and free there (port preservation), else a random free port is taken; a released port is kept
 * from other inside endpoints for the reuse delay (see {@link PortAllocator}).
 */
public final class NaptAllocator {
    private final List<IPv4Address> addresses;
    private final Map<IPv4Address, Map<Protocol, PortAllocator>> ports = new HashMap<>();

    /**
     * How long after a release the same inside endpoint may have its port back (see {@link PortAllocator}:
     * the switch's datapath may still cache the old binding's actions). Other endpoints wait the reuse delay.
     */
    public static final long SETTLE_MS = 30_000;

    /**
     * {@code reuseDelayMillis}: how long a released port is kept from other inside endpoints.
     * {@code random}: the root of the allocators' random choices; each allocator gets its own split.
     */
    public NaptAllocator(List<IPv4Address> publicAddresses, PortRange range, long reuseDelayMillis,
                         SplittableRandom random) {
        if (publicAddresses.isEmpty()) {
            throw new IllegalArgumentException("no public addresses");
        }
        this.addresses = List.copyOf(publicAddresses);
        for (IPv4Address a : addresses) {
            Map<Protocol, PortAllocator> perProtocol = new EnumMap<>(Protocol.class);
            for (Protocol p : Protocol.values()) {
                perProtocol.put(p, new PortAllocator(range.first(), range.last(), reuseDelayMillis, SETTLE_MS,
                        random.split()));
            }
            ports.put(a, perProtocol);
        }
    }

    /** The paired public address of an inside address. */
    public IPv4Address pairedAddress(IPv4Address inside) {
        return addresses.get(Math.floorMod(Integer.hashCode(inside.getInt()) * 0x9E3779B1, addresses.size()));
    }

    /** A fresh public endpoint for {@code inside}, or empty when its public address has no free port. */
    public Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, long now) {
        IPv4Address address = pairedAddress(inside.address());
        int port = ports.get(address).get(protocol).allocate(inside.address().getInt(), inside.port(), now);
        return port < 0 ? Optional.empty() : Optional.of(new Endpoint(address, port));
    }

    /** What {@link #reserve} did with a public endpoint an operator asked for. */
    public enum Reservation {
        /** The port is in the dynamic range and is now taken (also when it was cooling after a release). */
        RESERVED,
        /** The port is outside the dynamic range: nothing to take, no dynamic binding can get it. */
        OUTSIDE_RANGE,
        /** The port is in the range and already in use. */
        IN_USE,
        /** Not one of the public addresses. */
        FOREIGN_ADDRESS
    }

    /**
     * Takes one specific public endpoint for a static binding. A port still cooling after its release is
     * taken: the operator named it on purpose (see {@link PortAllocator#reserve}).
     */
    public Reservation reserve(Protocol protocol, Endpoint external) {
        Map<Protocol, PortAllocator> perProtocol = ports.get(external.address());
        if (perProtocol == null) {
            return Reservation.FOREIGN_ADDRESS;
        }
        PortAllocator allocator = perProtocol.get(protocol);
        if (!allocator.inRange(external.port())) {
            return Reservation.OUTSIDE_RANGE;
        }
        return allocator.reserve(external.port()) ? Reservation.RESERVED : Reservation.IN_USE;
    }

    /** Returns {@code inside}'s public endpoint; it cools for the reuse delay before another endpoint gets it. */
    public boolean release(Protocol protocol, Endpoint external, Endpoint inside, long now) {
        Map<Protocol, PortAllocator> perProtocol = ports.get(external.address());
        return perProtocol != null && perProtocol.get(protocol).release(external.port(),
                PortAllocator.owner(inside.address().getInt(), inside.port()), now);
    }

    /** True when the public endpoint is one of ours, in the dynamic range, and taken (invariant checks). */
    boolean isTaken(Protocol protocol, Endpoint external) {
        Map<Protocol, PortAllocator> perProtocol = ports.get(external.address());
        return perProtocol != null && perProtocol.get(protocol).inRange(external.port())
                && !perProtocol.get(protocol).isFree(external.port());
    }

    /** Ports not in use (cooling ones included). */
    public int freePorts(Protocol protocol, IPv4Address address) {
        return ports.get(address).get(protocol).freeCount();
    }

    /** Ports released less than the reuse delay ago. */
    public int coolingPorts(Protocol protocol, IPv4Address address) {
        return ports.get(address).get(protocol).coolingCount();
    }
}
