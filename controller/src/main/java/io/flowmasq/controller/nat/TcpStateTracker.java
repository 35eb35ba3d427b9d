package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.controller.packet.MalformedPacketException;
import io.flowmasq.controller.packet.PacketParser;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.TcpFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP state-aware timers (RFC 5382 REQ-5) on switches that match TCP flags. A new TCP binding starts
 * TRANSITORY with three flows: its two plain ones (rewrite and forward, never a controller action) and a
 * handshake report flow above them that takes only the SYN-ACK in the direction the answer comes from
 * ({@link HandshakeReport}: inbound for a connection an inside host opened, outbound for one an outside peer
 * opened), forwards it as the binding's flow would and copies it to the controller. That copy (the peer
 * answered) moves the binding to ESTABLISHED: the outbound flow is re-added with the established timeout and
 * the handshake flow deleted (strictly: the binding's cookie is on all three). Established data therefore
 * never meets a controller action, however long Open vSwitch's datapath cache keeps a flow's old actions.
 * The pipeline sends FIN and RST segments of both directions up; they are forwarded exactly as the binding's
 * flow would have, and the binding goes CLOSING: its outbound flow is re-added with the transitory timeout
 * (and a handshake flow still there deleted). Re-adding replaces a flow in place, so no packet misses it and
 * the switch reports no removal; the handshake flow sends no FLOW_REMOVED and goes with the binding's cookie
 * delete. Without TCP-flag matching (OF1.0) none of this reaches the controller and TCP bindings keep the
 * established timer.
 */
final class TcpStateTracker {
    private static final Logger LOG = LoggerFactory.getLogger(TcpStateTracker.class);
    private static final int SYN_ACK = TcpFlags.SYN | TcpFlags.ACK;

    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable table;
    private final CounterSink counters;

    TcpStateTracker(SwitchConfig config, FlowCompiler compiler, BindingTable table, CounterSink counters) {
        this.config = config;
        this.compiler = compiler;
        this.table = table;
        this.counters = counters;
    }

    /**
     * A SYN-ACK that a binding flow's output action sent (its cookie says which binding) is a handshake
     * report flow's copy of a TRANSITORY binding's SYN-ACK (the engine keeps ALG flows' packet-ins away from
     * here): the switch has already forwarded it, so the controller only learns. The port it came in on says
     * which direction's handshake flow sent it. Empty for every other packet-in, including those a binding flow
     * punts for another reason (TTL expired in dec_ttl: ICMP time exceeded is answered elsewhere).
     */
    Optional<List<OFMessage>> onReport(OFPacketIn packetIn, PacketRef ref, long now) {
        OptionalLong id = compiler.bindingOf(packetIn);
        if (id.isEmpty() || packetIn.getReason() != OFPacketInReason.ACTION || !isSynAck(ref)) {
            return Optional.empty();
        }
        Optional<Binding> found = table.byId(id.getAsLong());
        if (found.isEmpty() || found.get().state() != BindingState.TRANSITORY) {
            // A retransmitted SYN-ACK raced the delete, or the binding is gone: the packet itself went through.
            counters.increment("nat.tcp.late_report");
            return Optional.of(release(ref));
        }
        Binding b = found.get();
        HandshakeReport direction = ref.inPort().equals(config.outside().port()) ? HandshakeReport.INBOUND
                : HandshakeReport.OUTBOUND;
        BindingSpec spec = retime(b, BindingState.ESTABLISHED);
        counters.increment("nat.tcp.established");
        LOG.debug("switch {}: binding {} tcp {} established after {} ms", config.name(), b.id(), b.inside(),
                now - b.createdAt());
        List<OFMessage> out = new ArrayList<>(3);
        out.add(compiler.reinstallOutbound(spec));
        out.addAll(compiler.removeHandshake(b.spec(), direction));
        out.addAll(release(ref));
        return Optional.of(out);
    }

    /** Whether the frame is a TCP SYN-ACK: all a handshake report flow matches, whatever the cookie says. */
    private static boolean isSynAck(PacketRef ref) {
        try {
            return PacketParser.parse(ref.data()) instanceof Ipv4Packet ip && ip.protocol() == Ipv4Packet.PROTO_TCP
                    && (ip.tcpFlags() & SYN_ACK) == SYN_ACK;
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    /**
     * The switch refused a binding's handshake report flow (flow table full) after taking the binding's own
     * flows: the binding works, but its SYN-ACK will not be reported. It is made ESTABLISHED at once (the
     * established timer, as every TCP binding has on OpenFlow 1.0) rather than given up, which would kill a
     * connection whose flows are in; its FIN or RST still moves it to CLOSING.
     */
    List<OFMessage> onHandshakeFlowRefused(long id, long now) {
        Optional<Binding> found = table.byId(id);
        counters.increment("nat.table_full.handshake_flow");
        if (found.isEmpty() || found.get().state() != BindingState.TRANSITORY) {
            return List.of(); // reported meanwhile, closing, or gone
        }
        Binding b = found.get();
        LOG.debug("switch {}: binding {} tcp {}: handshake report flow refused (table full); established without it",
                config.name(), b.id(), b.inside());
        counters.increment("nat.tcp.established");
        return List.of(compiler.reinstallOutbound(retime(b, BindingState.ESTABLISHED)));
    }

    /** A TCP segment with FIN or RST from an inside host. Never creates a binding. */
    List<OFMessage> onInside(PacketRef ref, Ipv4Packet ip, long now) {
        Optional<Binding> b = table.forOutbound(Protocol.TCP, new Endpoint(ip.src(), ip.srcPort()),
                new Endpoint(ip.dst(), ip.dstPort()));
        if (b.isEmpty()) {
            counters.increment("nat.ignored.tcp_fin_rst_without_binding");
            LOG.debug("switch {}: FIN/RST from {}:{} with no binding dropped", config.name(), ip.src(), ip.srcPort());
            return release(ref);
        }
        List<OFMessage> out = new ArrayList<>(close(b.get(), now));
        out.add(compiler.forwardOutbound(table.byId(b.get().id()).orElseThrow().spec(), ref));
        return out;
    }

    /** TCP from the outside port: only FIN/RST segments to a public address come up. */
    List<OFMessage> onOutside(PacketRef ref, Ipv4Packet ip, long now) {
        if (!TcpFlags.closes(ip.tcpFlags()) || !ip.hasPorts()) {
            counters.increment("nat.ignored.outside");
            return release(ref);
        }
        // the filter: under dependent filtering only the session's remote may close it
        Optional<Binding> b = table.forInbound(Protocol.TCP, new Endpoint(ip.dst(), ip.dstPort()),
                new Endpoint(ip.src(), ip.srcPort()));
        if (b.isEmpty()) {
            counters.increment("nat.ignored.tcp_fin_rst_unsolicited");
            LOG.debug("switch {}: FIN/RST from outside to {}:{} with no binding dropped", config.name(), ip.dst(),
                    ip.dstPort());
            return release(ref);
        }
        List<OFMessage> out = new ArrayList<>(close(b.get(), now));
        out.add(compiler.forwardInbound(table.byId(b.get().id()).orElseThrow().spec(), ref));
        return out;
    }

    /** Moves the binding to CLOSING (once); the flow-mods that do it on the switch. */
    private List<OFMessage> close(Binding b, long now) {
        counters.increment("nat.tcp.fin_rst");
        if (b.state() == BindingState.CLOSING || !compiler.supportsTcpFlags() || b.isStatic()) {
            return List.of();
        }
        BindingSpec spec = retime(b, BindingState.CLOSING);
        counters.increment("nat.tcp.closing");
        LOG.debug("switch {}: binding {} tcp {} closing after {} ms", config.name(), b.id(), b.inside(),
                now - b.createdAt());
        List<OFMessage> out = new ArrayList<>(3);
        out.add(compiler.reinstallOutbound(spec));
        if (b.state() == BindingState.TRANSITORY) {
            // never answered: its handshake flow is still there, in the direction this binding does not record
            out.addAll(compiler.removeHandshake(spec, HandshakeReport.INBOUND));
            out.addAll(compiler.removeHandshake(spec, HandshakeReport.OUTBOUND));
        }
        return out;
    }

    private BindingSpec retime(Binding b, BindingState state) {
        BindingSpec spec = b.spec().withIdleTimeout(state.idleTimeout(b.protocol(), config.timers()));
        table.replace(b.with(spec, state));
        return spec;
    }

    private List<OFMessage> release(PacketRef ref) {
        var out = compiler.releaseBuffer(ref);
        return out == null ? List.of() : List.of(out);
    }
}
