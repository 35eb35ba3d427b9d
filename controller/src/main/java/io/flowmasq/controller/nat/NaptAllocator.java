package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
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
 *
 * <p><b>Address subsets.</b> Masquerade rules name their own addresses, which several rules may share.
 * One allocator holds the ports of every address (see {@link #union}), so a port taken through one rule
 * is taken for all rules sharing the address; {@link #pairedAddress(IPv4Address, List)} and
 * {@link #allocate(Protocol, Endpoint, List, long)} pair within a rule's subset with the same hash, so a
 * host keeps one address per subset (REQ-2), and over the allocator's full list the two agree.
 */
public final class NaptAllocator {
    /** The switch's own public addresses: what pairing without a rule's subset (ALGs, fragments) uses. */
    private final List<IPv4Address> addresses;
    private final Map<IPv4Address, Map<Protocol, PortAllocator>> ports = new HashMap<>();
    private final PortRange range;
    private final long reuseDelayMillis;
    private final SplittableRandom random;
    /**
     * For each address list allocated over (a rule's, or the switch's: immutable lists from the configuration,
     * asked with the same list object every time), the port allocators of its addresses in its order, by
     * protocol ordinal: an allocation then looks up no address (the map lookup showed as ~10% of the event
     * loop in the load generator's profile). Cleared when an address is added; bounded by clearing.
     */
    private final Map<List<IPv4Address>, PortAllocator[][]> alignedTo = new IdentityHashMap<>();
    private static final int ALIGNED_LISTS = 64;

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
        // Duplicates dropped (order kept): an address listed twice would be paired twice as often.
        this.addresses = List.copyOf(new LinkedHashSet<>(publicAddresses));
        this.range = range;
        this.reuseDelayMillis = reuseDelayMillis;
        this.random = random;
        addresses.forEach(this::ensureAddress);
    }

    /**
     * Gives the allocator ports on {@code address} too (a masquerade rule's, a forward's or a virtual server's
     * address), without making it one of the default addresses. Idempotent; an address is never taken away
     * while the process lives, so a deleted rule's bindings can still release their ports.
     */
    public void ensureAddress(IPv4Address address) {
        if (ports.containsKey(address)) {
            return;
        }
        Map<Protocol, PortAllocator> perProtocol = new EnumMap<>(Protocol.class);
        for (Protocol p : Protocol.values()) {
            perProtocol.put(p, new PortAllocator(range.first(), range.last(), reuseDelayMillis, SETTLE_MS,
                    random.split()));
        }
        ports.put(address, perProtocol);
        alignedTo.clear();
    }

    /**
     * Every address once, in first-seen order: {@code publicAddresses} (outside.publicAddresses) first,
     * then each masquerade rule's (and pool fallback's) addresses; the list to construct the allocator with.
     */
    public static List<IPv4Address> union(List<IPv4Address> publicAddresses,
                                          Collection<? extends List<IPv4Address>> ruleAddresses) {
        LinkedHashSet<IPv4Address> all = new LinkedHashSet<>(publicAddresses);
        ruleAddresses.forEach(all::addAll);
        return List.copyOf(all);
    }

    /** The addresses this allocator hands out ports on, without duplicates, in construction order. */
    public List<IPv4Address> addresses() {
        return addresses;
    }

    /** True when {@code address} is one of this allocator's addresses. */
    public boolean owns(IPv4Address address) {
        return ports.containsKey(address);
    }

    /** The paired public address of an inside address, among all of this allocator's addresses. */
    public IPv4Address pairedAddress(IPv4Address inside) {
        return pairedAddress(inside, addresses);
    }

    /**
     * The paired public address of an inside address among {@code among} (a rule's addresses): a stable
     * hash, so the same host always gets the same address of the same list (RFC 4787 REQ-2). The result
     * depends on the list's order, which a rule keeps. Fails on an empty list.
     */
    public IPv4Address pairedAddress(IPv4Address inside, List<IPv4Address> among) {
        if (among.isEmpty()) {
            throw new IllegalArgumentException("no addresses to pair among");
        }
        return among.get(pairedIndex(inside, among));
    }

    private static int pairedIndex(IPv4Address inside, List<IPv4Address> among) {
        return Math.floorMod(Integer.hashCode(inside.getInt()) * 0x9E3779B1, among.size());
    }

    /** A fresh public endpoint for {@code inside}, or empty when its public address has no free port. */
    public Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, long now) {
        return allocate(protocol, inside, addresses, now);
    }

    /**
     * A fresh public endpoint for {@code inside} on its paired address among {@code among} (a rule's
     * addresses), or empty when that address has no free port: like REQ-2 asks, the host is not moved to
     * another address of the subset. Fails when the paired address is not one of this allocator's
     * (construct it over {@link #union} of every rule's addresses).
     */
    public Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, List<IPv4Address> among, long now) {
        IPv4Address address = pairedAddress(inside.address(), among);
        PortAllocator[] perProtocol = aligned(among)[pairedIndex(inside.address(), among)];
        if (perProtocol == null) {
            throw new IllegalArgumentException("address " + address + " is not one of the NAPT addresses");
        }
        int port = perProtocol[protocol.ordinal()].allocate(inside.address().getInt(), inside.port(), now);
        return port < 0 ? Optional.empty() : Optional.of(new Endpoint(address, port));
    }

    private PortAllocator[][] aligned(List<IPv4Address> among) {
        PortAllocator[][] aligned = alignedTo.get(among);
        if (aligned == null) {
            if (alignedTo.size() >= ALIGNED_LISTS) {
                alignedTo.clear();
            }
            aligned = new PortAllocator[among.size()][];
            for (int i = 0; i < aligned.length; i++) {
                Map<Protocol, PortAllocator> perProtocol = ports.get(among.get(i));
                aligned[i] = perProtocol == null ? null : perProtocol.values().toArray(new PortAllocator[0]);
            }
            alignedTo.put(among, aligned);
        }
        return aligned;
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
