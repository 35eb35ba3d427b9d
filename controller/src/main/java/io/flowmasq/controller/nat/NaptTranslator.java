package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.Filtering;
import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The masquerade decision for a first outbound packet: reuse the inside endpoint's binding
 * (endpoint-independent mapping) or allocate one, install its flows, and send the packet on. Under
 * dependent filtering the controller sees the first packet to each new remote (address, or address and
 * port): it adds a session to the inside endpoint's mapping, on the mapping's public endpoint, with its
 * own flows; at most {@link #MAX_SESSIONS_PER_MAPPING} per mapping.
 */
final class NaptTranslator {
    private static final Logger LOG = LoggerFactory.getLogger(NaptTranslator.class);
    /** Bounds the flows one inside endpoint can make the switch hold under dependent filtering (2 each). */
    static final int MAX_SESSIONS_PER_MAPPING = 64;

    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable table;
    private final NaptAllocator allocator;
    private final MssClamper mss;
    private final CounterSink counters;
    private final BindingIds ids;
    private final BindingListener listener;
    private final HostQuotas quotas;
    private final FirstPackets firstPackets;

    NaptTranslator(SwitchConfig config, FlowCompiler compiler, BindingTable table, NaptAllocator allocator,
                   MssClamper mss, CounterSink counters, BindingIds ids, BindingListener listener,
                   HostQuotas quotas, FirstPackets firstPackets) {
        this.quotas = quotas;
        this.firstPackets = firstPackets;
        this.ids = ids;
        this.listener = listener;
        this.config = config;
        this.compiler = compiler;
        this.table = table;
        this.allocator = allocator;
        this.mss = mss;
        this.counters = counters;
    }

    /**
     * Where a new mapping's public endpoint comes from: the addresses of the masquerade rule that took the
     * flow, or the address pool of a pool rule; {@link #rule()} is the number the binding is claimed by.
     */
    interface Source {
        Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, long now);

        /** The rule the binding is made under; 0 for none. */
        int rule();

        /** Where the port was looked for, for the log line of a failure. */
        String describe(Endpoint inside);
    }

    /** The switch's own public addresses ({@code outside.publicAddresses}), under no rule: ALGs, fragments. */
    Source defaultSource() {
        return defaultSource;
    }

    private final Source defaultSource = new Source() {
        @Override
        public Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, long now) {
            return allocator.allocate(protocol, inside, config.outside().publicAddresses(), now);
        }

        @Override
        public int rule() {
            return 0;
        }

        @Override
        public String describe(Endpoint inside) {
            return allocator.pairedAddress(inside.address(), config.outside().publicAddresses()).toString();
        }
    };

    /** Messages for a TCP/UDP first packet from an inside host, the next hop's MAC being known. */
    List<OFMessage> translate(PacketRef ref, Ipv4Packet packet, InsideConfig inside, MacAddress nextHopMac,
                              long now) {
        return translate(ref, packet, inside, nextHopMac, now, defaultSource);
    }

    /** As {@link #translate(PacketRef, Ipv4Packet, InsideConfig, MacAddress, long)}, a new mapping from {@code source}. */
    List<OFMessage> translate(PacketRef ref, Ipv4Packet packet, InsideConfig inside, MacAddress nextHopMac,
                              long now, Source source) {
        Protocol protocol = packet.transport();
        Endpoint insideEndpoint = new Endpoint(packet.src(), packet.srcPort());
        Optional<Binding> existing = table.session(protocol, insideEndpoint, remoteOf(packet));
        if (existing.isPresent()) {
            // Another first packet of a flow whose binding is being installed: same binding, sent on.
            counters.increment("nat.packet_in.existing_binding");
            return mss.forward(ref, packet, r -> compiler.forwardOutbound(existing.get().spec(), r));
        }
        Optional<Binding> created = bind(ref, packet, inside, nextHopMac, now, remoteOf(packet), source);
        if (created.isEmpty()) {
            return dropped(ref);
        }
        BindingSpec spec = created.get().spec();
        List<OFMessage> out = new ArrayList<>(installFlows(created.get()));
        out.addAll(mss.forward(ref, packet, r -> compiler.forwardOutbound(spec, r)));
        return out;
    }

    /**
     * Allocates and records a new binding for the packet's source (its flows still to be
     * installed by the caller); empty, counted and logged when the inside host is over its rate or quota
     * ({@link HostQuotas}) or no public port is free.
     */
    Optional<Binding> bind(PacketRef ref, Ipv4Packet packet, InsideConfig inside, MacAddress nextHopMac, long now) {
        return bind(ref, packet, inside, nextHopMac, now, remoteOf(packet));
    }

    /** As {@link #bind(PacketRef, Ipv4Packet, InsideConfig, MacAddress, long)}, tied to {@code remote} whatever the filtering. */
    Optional<Binding> bind(PacketRef ref, Ipv4Packet packet, InsideConfig inside, MacAddress nextHopMac, long now,
                           RemoteFilter remote) {
        return bind(ref, packet, inside, nextHopMac, now, remote, defaultSource);
    }

    /** As {@link #bind(PacketRef, Ipv4Packet, InsideConfig, MacAddress, long, RemoteFilter)}, a new mapping from {@code source}. */
    Optional<Binding> bind(PacketRef ref, Ipv4Packet packet, InsideConfig inside, MacAddress nextHopMac, long now,
                           RemoteFilter remote, Source source) {
        if (!quotas.admit(packet.src(), ref.inPort(), inside.mac(), table.countFor(packet.src()), now)) {
            return Optional.empty();
        }
        Protocol protocol = packet.transport();
        Endpoint insideEndpoint = new Endpoint(packet.src(), packet.srcPort());
        if (table.session(protocol, insideEndpoint, remote).isPresent()) {
            // the callers look for a binding first; adding this session again would corrupt the table
            counters.increment("nat.session_exists");
            LOG.debug("switch {}: {} {} already has a session to {}; packet dropped", config.name(),
                    protocol.label(), insideEndpoint, remote);
            return Optional.empty();
        }
        Optional<Binding> mapping = table.byInside(protocol, insideEndpoint);
        Optional<Endpoint> external;
        if (mapping.isPresent()) {
            // only under dependent filtering: a new session of a live mapping keeps its public endpoint
            if (table.sessions(protocol, insideEndpoint) >= MAX_SESSIONS_PER_MAPPING) {
                counters.increment("nat.session_refused");
                LOG.warn("switch {}: {} {} already has {} sessions; new session to {} refused", config.name(),
                        protocol.label(), insideEndpoint, MAX_SESSIONS_PER_MAPPING, remote);
                return Optional.empty();
            }
            external = Optional.of(mapping.get().external());
        } else {
            external = source.allocate(protocol, insideEndpoint, now);
        }
        if (external.isEmpty()) {
            counters.increment("nat.allocation_failed");
            LOG.warn("switch {}: no free {} port on {} for {}; packet dropped, no binding evicted",
                    config.name(), protocol.label(), source.describe(insideEndpoint), insideEndpoint);
            return Optional.empty();
        }
        BindingState state = BindingState.initial(protocol, compiler.supportsTcpFlags());
        BindingSpec spec = new BindingSpec(ids.next(), protocol, insideEndpoint, external.get(),
                new L2Hop(ref.inPort(), inside.mac(), packet.ethSrc()),
                new L2Hop(config.outside().port(), config.outside().mac(), nextHopMac),
                state.idleTimeout(protocol, config.timers()), remote);
        Binding binding = new Binding(spec, now, state, Binding.Origin.DYNAMIC,
                mapping.map(Binding::rule).orElse(source.rule()));
        table.add(binding);
        firstPackets.remember(spec.id(), ref.inPort(), ref.data(), now); // to answer if the switch has no room
        listener.created(binding, now);
        counters.increment("nat.binding_created");
        if (remote != null) {
            counters.increment("nat.session_created");
        }
        // DEBUG, and the arguments only built then: one line per binding at INFO was a third of the controller's
        // time at line rate (bench/README.md); the binding log (bindingLog) is the per-binding record.
        if (LOG.isDebugEnabled()) {
            LOG.debug("switch {}: binding {} {} {} -> {} ({}, idle {} s{})", config.name(), spec.id(),
                    protocol.label(), insideEndpoint, spec.external(), state.label(), spec.idleTimeout(),
                    remote == null ? "" : ", session to " + remote);
        }
        return Optional.of(binding);
    }

    /** The remote a new binding for this packet is tied to; null under endpoint-independent filtering. */
    RemoteFilter remoteOf(Ipv4Packet packet) {
        Filtering f = config.filtering();
        if (!f.perSession()) {
            return null;
        }
        return new RemoteFilter(packet.dst(), f.matchesRemotePort() ? packet.dstPort() : 0);
    }

    /** The flows of a new binding; a TRANSITORY one's handshake flow reports the peer's SYN-ACK (inbound). */
    List<OFMessage> installFlows(Binding b) {
        return compiler.installBinding(b.spec(),
                b.state() == BindingState.TRANSITORY ? HandshakeReport.INBOUND : HandshakeReport.NONE);
    }

    List<OFMessage> dropped(PacketRef ref) {
        var release = compiler.releaseBuffer(ref);
        return release == null ? List.of() : List.of(release);
    }
}
