package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The masquerade decision for a first outbound packet: reuse the inside endpoint's binding
 * (endpoint-independent mapping) or allocate one, install its flows, and send the packet on.
 */
final class NaptTranslator {
    private static final Logger LOG = LoggerFactory.getLogger(NaptTranslator.class);

    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable table;
    private final NaptAllocator allocator;
    private final CounterSink counters;
    private long nextId = 1;

    NaptTranslator(SwitchConfig config, FlowCompiler compiler, BindingTable table, NaptAllocator allocator,
                   CounterSink counters) {
        this.config = config;
        this.compiler = compiler;
        this.table = table;
        this.allocator = allocator;
        this.counters = counters;
    }

    /** Messages for a TCP/UDP first packet from an inside host, the next hop's MAC being known. */
    List<OFMessage> translate(PacketRef ref, Ipv4Packet packet, InsideConfig inside, MacAddress nextHopMac,
                              long now) {
        Protocol protocol = packet.protocol() == Ipv4Packet.PROTO_TCP ? Protocol.TCP : Protocol.UDP;
        Endpoint insideEndpoint = new Endpoint(packet.src(), packet.srcPort());
        Optional<Binding> existing = table.byInside(protocol, insideEndpoint);
        if (existing.isPresent()) {
            // Another first packet of a flow whose binding is being installed: same binding, sent on.
            counters.increment("nat.packet_in.existing_binding");
            return List.of(compiler.forwardOutbound(existing.get().spec(), ref));
        }
        Optional<Endpoint> external = allocator.allocate(protocol, insideEndpoint, now);
        if (external.isEmpty()) {
            counters.increment("nat.allocation_failed");
            LOG.warn("switch {}: no free {} port on {} for {}; packet dropped, no binding evicted",
                    config.name(), protocol.label(), allocator.pairedAddress(packet.src()), insideEndpoint);
            return dropped(ref);
        }
        BindingSpec spec = new BindingSpec(nextId++, protocol, insideEndpoint, external.get(),
                new L2Hop(ref.inPort(), inside.mac(), packet.ethSrc()),
                new L2Hop(config.outside().port(), config.outside().mac(), nextHopMac),
                idleTimeout(protocol, config.timers()));
        table.add(new Binding(spec, now));
        counters.increment("nat.binding_created");
        LOG.info("switch {}: binding {} {} {} -> {} (idle {} s)", config.name(), spec.id(), protocol.label(),
                insideEndpoint, spec.external(), spec.idleTimeout());
        List<OFMessage> out = new ArrayList<>(compiler.installBinding(spec));
        out.add(compiler.forwardOutbound(spec, ref));
        return out;
    }

    List<OFMessage> dropped(PacketRef ref) {
        var release = compiler.releaseBuffer(ref);
        return release == null ? List.of() : List.of(release);
    }

    /**
     * TCP bindings start with the established timer: the switch cannot see the handshake without
     * TCP-flag matching, and a transitory 240 s timeout would cut idle interactive sessions.
     */
    static int idleTimeout(Protocol protocol, TimerConfig timers) {
        return protocol == Protocol.TCP ? timers.tcpEstablished() : timers.udp();
    }
}
