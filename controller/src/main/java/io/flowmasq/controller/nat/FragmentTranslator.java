package io.flowmasq.controller.nat;

import static io.flowmasq.controller.packet.Checksums.read16;
import static io.flowmasq.controller.packet.Checksums.write16;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.Checksums;
import io.flowmasq.controller.packet.Ipv4Frame;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * IPv4 fragments through the NAT, on the controller. Open vSwitch (frag handling "normal") sees
 * no ports in any fragment, so binding flows never match them: every fragment comes up, from
 * inside through the new-flow entry, from outside through the port-0 entries of the pipeline.
 *
 * <p>A first fragment is translated like the packet it starts (its binding or echo mapping; the L4
 * checksum, which covers the whole datagram, adjusted incrementally). Later fragments carry no
 * ports: outbound they only need the paired public source address; inbound the destination is
 * found from (remote, public address, protocol, IP id) learned from the first fragment. Later
 * fragments that arrive before their first are held briefly. Memory is bounded; drops are counted.
 */
final class FragmentTranslator {
    static final int MAX_DATAGRAMS = 4096;
    static final int MAX_HELD = 256;
    static final long LIFETIME_MS = 5_000;
    static final long HOLD_MS = 2_000;

    private record Key(IPv4Address remote, IPv4Address external, int protocol, int ipId) {
    }

    private record Target(IPv4Address inside, L2Hop hop, long expiresAt) {
    }

    private record Held(Key key, PacketRef ref, long arrivedAt) {
    }

    private record First(Target target, int fieldOffset, int oldField, int newField) {
    }

    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable bindings;
    private final NaptTranslator napt;
    private final NaptAllocator allocator;
    private final IcmpQueryTable queries;
    private final CounterSink counters;
    private final Map<Key, Target> datagrams = new LinkedHashMap<>();
    private final List<Held> held = new ArrayList<>();

    FragmentTranslator(SwitchConfig config, FlowCompiler compiler, BindingTable bindings, NaptTranslator napt,
                       NaptAllocator allocator, IcmpQueryTable queries, CounterSink counters) {
        this.config = config;
        this.compiler = compiler;
        this.bindings = bindings;
        this.napt = napt;
        this.allocator = allocator;
        this.queries = queries;
        this.counters = counters;
    }

    static boolean isFirst(byte[] frame) {
        return (read16(frame, Ipv4Frame.IP + 6) & 0x1fff) == 0;
    }

    List<OFMessage> outbound(PacketRef ref, Ipv4Packet ip, InsideConfig inside, Optional<MacAddress> nextHop,
                             long now) {
        if (nextHop.isEmpty()) {
            return dropped(ref, "no_next_hop");
        }
        Ipv4Frame f = Ipv4Frame.copyOf(ref.data());
        byte[] b = f.bytes();
        IPv4Address external = allocator.pairedAddress(ip.src());
        List<OFMessage> out = new ArrayList<>();
        if (isFirst(b) && ip.hasPorts()) {
            Protocol protocol = ip.transport();
            Optional<Binding> binding = bindings.forOutbound(protocol, new Endpoint(ip.src(), ip.srcPort()),
                    new Endpoint(ip.dst(), ip.dstPort()));
            if (binding.isEmpty()) {
                binding = napt.bind(ref, ip, inside, nextHop.get(), now);
                if (binding.isEmpty()) {
                    return dropped(ref, "allocation_failed");
                }
                out.addAll(napt.installFlows(binding.get()));
            }
            Endpoint e = binding.get().external();
            rewriteL4(b, f.l4(), ip.protocol(), ip.src(), e.address(), 0, ip.srcPort(), e.port());
            external = e.address();
        } else if (isFirst(b) && ip.protocol() == Ipv4Packet.PROTO_ICMP) {
            Optional<IcmpQueryTable.Mapping> m = queries.outbound(ip.src(), read16(b, f.l4() + 4),
                    new L2Hop(ref.inPort(), inside.mac(), ip.ethSrc()), now);
            if (m.isEmpty()) {
                return dropped(ref, "allocation_failed");
            }
            rewriteL4(b, f.l4(), ip.protocol(), ip.src(), m.get().external(), 4, read16(b, f.l4() + 4),
                    m.get().externalId());
            external = m.get().external();
        }
        f.src(external).decrementTtl().ethernet(config.outside().mac(), nextHop.get());
        counters.increment("nat.fragment.out");
        out.add(compiler.sendFrame(config.outside().port(), f.finish()));
        out.addAll(napt.dropped(ref));
        return out;
    }

    List<OFMessage> inbound(PacketRef ref, Ipv4Packet ip, long now) {
        Ipv4Frame f = Ipv4Frame.copyOf(ref.data());
        byte[] b = f.bytes();
        Key key = new Key(ip.src(), ip.dst(), ip.protocol(), read16(b, Ipv4Frame.IP + 4));
        if (isFirst(b)) {
            Optional<First> first = firstInbound(f, ip, now);
            if (first.isEmpty()) {
                return dropped(ref, "no_binding");
            }
            Target target = first.get().target();
            remember(key, target);
            rewriteL4(b, f.l4(), ip.protocol(), ip.dst(), target.inside(), first.get().fieldOffset(),
                    first.get().oldField(), first.get().newField());
            List<OFMessage> out = new ArrayList<>(deliver(ref, f, target));
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (h.key().equals(key)) {
                    it.remove();
                    out.addAll(deliver(h.ref(), Ipv4Frame.copyOf(h.ref().data()), target));
                }
            }
            return out;
        }
        Target target = datagrams.get(key);
        if (target != null && target.expiresAt() > now) {
            return deliver(ref, f, target);
        }
        if (held.size() >= MAX_HELD) {
            return dropped(ref, "held_overflow");
        }
        held.add(new Held(key, ref, now));
        counters.increment("nat.fragment.held");
        return List.of();
    }

    /** Forgets finished datagrams and drops later fragments whose first never came. */
    List<OFMessage> expire(long now) {
        datagrams.values().removeIf(t -> t.expiresAt() <= now);
        List<OFMessage> out = new ArrayList<>();
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (now - h.arrivedAt() >= HOLD_MS) {
                it.remove();
                out.addAll(dropped(h.ref(), "orphan"));
            }
        }
        return out;
    }

    /**
     * Where an inbound first fragment goes, and the L4 field (port or echo identifier, at
     * {@code fieldOffset} in the L4 header) to restore in it.
     */
    private Optional<First> firstInbound(Ipv4Frame f, Ipv4Packet ip, long now) {
        byte[] b = f.bytes();
        if (ip.hasPorts()) {
            return bindings.forInbound(ip.transport(), new Endpoint(ip.dst(), ip.dstPort()),
                            new Endpoint(ip.src(), ip.srcPort()))
                    .map(bd -> new First(new Target(bd.inside().address(), bd.spec().toInside(), now + LIFETIME_MS),
                            2, ip.dstPort(), bd.inside().port()));
        }
        if (ip.protocol() == Ipv4Packet.PROTO_ICMP && b.length >= f.l4() + 8) {
            int id = read16(b, f.l4() + 4);
            return queries.byExternal(ip.dst(), id)
                    .map(m -> new First(new Target(m.inside(), m.toInside(), now + LIFETIME_MS), 4, id, m.insideId()));
        }
        return Optional.empty();
    }

    /** Sends a fragment (its L4 part already restored if it is the first) to the inside host. */
    private List<OFMessage> deliver(PacketRef ref, Ipv4Frame f, Target target) {
        f.dst(target.inside()).decrementTtl().ethernet(target.hop().source(), target.hop().destination());
        counters.increment("nat.fragment.in");
        List<OFMessage> out = new ArrayList<>();
        out.add(compiler.sendFrame(target.hop().port(), f.finish()));
        out.addAll(napt.dropped(ref));
        return out;
    }

    /**
     * Rewrites the 16-bit field at {@code portOffset} in the L4 header and adjusts the L4 checksum
     * for it and, for TCP/UDP, for the address change in the pseudo-header.
     */
    private static void rewriteL4(byte[] b, int l4, int protocol, IPv4Address oldAddr, IPv4Address newAddr,
                                  int portOffset, int oldPort, int newPort) {
        write16(b, l4 + portOffset, newPort);
        Checksums.adjustTransport(b, l4, protocol, oldAddr, newAddr, oldPort, newPort);
    }

    private void remember(Key key, Target target) {
        if (datagrams.size() >= MAX_DATAGRAMS) {
            Iterator<Key> oldest = datagrams.keySet().iterator();
            oldest.next();
            oldest.remove();
            counters.increment("nat.fragment.table_full");
        }
        datagrams.put(key, target);
    }

    private List<OFMessage> dropped(PacketRef ref, String why) {
        counters.increment("nat.fragment.dropped." + why);
        return napt.dropped(ref);
    }
}
