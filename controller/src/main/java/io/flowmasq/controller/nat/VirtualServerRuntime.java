package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.nat.vs.BindingBytes;
import io.flowmasq.controller.nat.vs.HealthChecker;
import io.flowmasq.controller.nat.vs.HealthStatus;
import io.flowmasq.controller.nat.vs.HealthTransition;
import io.flowmasq.controller.nat.vs.Probe;
import io.flowmasq.controller.nat.vs.ProbePorts;
import io.flowmasq.controller.nat.vs.ProbeResult;
import io.flowmasq.controller.nat.vs.ServerScheduler;
import io.flowmasq.controller.nat.vs.ServerStatus;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.controller.packet.TcpProbeFrames;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.rules.RuleForm;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NAT-based virtual server: the rule's trap sends each new connection to the public endpoint up; the
 * scheduler picks a server in rotation; the connection becomes a binding (a session of the server's
 * endpoint, filtered to the client's address and port) whose flows carry the rest of it. Health checks are
 * TCP connects from the gateway's inside address sent as packet-outs (the controller's own host cannot reach
 * the inside network): a SYN-ACK means up (answered with a RST), a RST or silence means a failure.
 */
final class VirtualServerRuntime implements RuleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualServerRuntime.class);

    private final Rule rule;
    private final RuleForm.VirtualServer form;
    private final RuleContext ctx;
    private final ServerScheduler scheduler;
    private final HealthChecker health;
    private final RuleFlowLedger<Integer> ledger = new RuleFlowLedger<>();

    VirtualServerRuntime(Rule rule, RuleContext ctx, ProbePorts probePorts, long now) {
        this.rule = rule;
        this.form = (RuleForm.VirtualServer) rule.form();
        this.ctx = ctx;
        this.scheduler = ServerScheduler.of(form, now);
        // all servers of one rule are checked from the gateway address of the first one's network (the validator
        // keeps servers inside an inside network)
        IPv4Address source = ctx.insideOf(form.servers().get(0).address().address()).orElseThrow().gateway();
        this.health = form.healthCheck().map(h -> new HealthChecker(h, source,
                form.servers().stream().map(RuleForm.RealServer::address).toList(), probePorts,
                new SplittableRandom(), now)).orElse(null);
    }

    /** Takes the virtual server's public port from the allocator; a message when a live binding has it. */
    static Optional<String> reserve(RuleForm.VirtualServer form, NaptAllocator allocator, BindingTable table) {
        return RuleReservations.reserve(form.protocol(), List.of(form.external()), allocator, table);
    }

    @Override
    public Rule rule() {
        return rule;
    }

    @Override
    public List<OFMessage> start(long now) {
        ledger.clear();
        List<OFMessage> traps = new ArrayList<>();
        traps.add(ctx.flows().virtualServerTrap(rule.number(), form.protocol(), ctx.config().outside().port(),
                form.external()));
        traps.addAll(ctx.flows().virtualServerSynTrap(rule.number(), form.protocol(), ctx.config().outside().port(),
                form.external()));
        List<OFMessage> out = new ArrayList<>(ledger.record(RuleCookies.RULE_ENTRY, traps));
        // Locate the servers now: a client whose chosen server is not located yet loses its SYN to the ARP
        // (nat.vs.unresolved) and its retransmission goes to the next server in turn.
        for (RuleForm.RealServer server : form.servers()) {
            if (ctx.toInside(server.address().address(), now).isEmpty()) {
                out.addAll(ctx.arpFor(server.address().address()));
            }
        }
        return out;
    }

    @Override
    /**
     * Segments to the public endpoint, except a client's FIN or RST: that closes a session, which is the TCP
     * state tracker's to follow (CLOSING), as for any binding.
     */
    public boolean takesInbound(Ipv4Packet ip) {
        int protocol = form.protocol().ipProtocol().getIpProtocolNumber();
        return ip.hasPorts() && !ip.fragment() && ip.dst().equals(form.external().address())
                && ip.dstPort() == form.external().port() && ip.protocol() == protocol
                && !(protocol == Ipv4Packet.PROTO_TCP && TcpFlags.closes(ip.tcpFlags()));
    }

    @Override
    public List<OFMessage> onInbound(PacketRef ref, Ipv4Packet ip, long now) {
        Endpoint client = new Endpoint(ip.src(), ip.srcPort());
        Protocol protocol = form.protocol();
        Optional<Binding> live = ctx.table().forInbound(protocol, form.external(), client);
        List<OFMessage> out = new ArrayList<>();
        if (live.isPresent() && !(protocol == Protocol.TCP && opens(ip.tcpFlags())
                && live.get().state() == BindingState.CLOSING)) {
            // another first packet (or a repeated SYN) of a connection being installed: same server
            return List.of(ctx.compiler().forwardInbound(live.get().spec(), ref));
        }
        if (live.isPresent()) {
            // the client reuses the port of a connection that closed: a new connection, chosen afresh (the
            // old one's server may be down); the closed session goes first
            ctx.counters().increment("nat.vs.port_reused");
            out.addAll(ctx.remover().remove(live.get(), BindingListener.RemovalReason.OTHER, now));
        }
        if (protocol == Protocol.TCP && !opens(ip.tcpFlags())) {
            ctx.counters().increment("nat.vs.not_syn"); // a segment of a connection this gateway never saw open
            return ctx.dropped(ref);
        }
        out.addAll(connect(ref, client, now));
        return out;
    }

    private List<OFMessage> connect(PacketRef ref, Endpoint client, long now) {
        Protocol protocol = form.protocol();
        Optional<Endpoint> server = scheduler.choose(now);
        if (server.isEmpty()) {
            ctx.counters().increment("nat.vs.no_server");
            LOG.debug("switch {}: rule '{}': no server up for {}", ctx.config().name(), rule.id(), client);
            return ctx.dropped(ref);
        }
        Optional<L2Hop> toInside = ctx.toInside(server.get().address(), now);
        Optional<L2Hop> toOutside = ctx.toOutside(now);
        if (toInside.isEmpty() || toOutside.isEmpty()) {
            ctx.counters().increment("nat.vs.unresolved"); // the client retransmits; by then ARP has answered
            List<OFMessage> out = new ArrayList<>(toInside.isEmpty() ? ctx.arpFor(server.get().address()) : List.of());
            out.addAll(ctx.arpForNextHop(now));
            out.addAll(ctx.dropped(ref));
            return out;
        }
        if (ctx.table().session(protocol, server.get(), new RemoteFilter(client.address(), client.port())).isPresent()) {
            ctx.counters().increment("nat.session_exists");
            return ctx.dropped(ref);
        }
        BindingState state = BindingState.initial(protocol, ctx.compiler().supportsTcpFlags());
        BindingSpec spec = new BindingSpec(ctx.ids().next(), protocol, server.get(), form.external(),
                toInside.get(), toOutside.get(), state.idleTimeout(protocol, ctx.config().timers()),
                new RemoteFilter(client.address(), client.port()));
        Binding b = new Binding(spec, now, state, Binding.Origin.DYNAMIC, rule.number());
        ctx.table().add(b);
        ctx.listener().created(b, now);
        scheduler.connectionOpened(server.get());
        ctx.counters().increment("nat.vs.connection");
        // the client opened: the server's SYN-ACK (outbound) is the answer that makes the session established
        List<OFMessage> out = new ArrayList<>(ctx.compiler().installBinding(spec,
                state == BindingState.TRANSITORY ? HandshakeReport.OUTBOUND : HandshakeReport.NONE));
        out.add(ctx.compiler().forwardInbound(spec, ref));
        return out;
    }

    /** A SYN without ACK: the only segment that opens a connection. */
    private static boolean opens(int tcpFlags) {
        return (tcpFlags & TcpProbeFrames.SYN) != 0 && (tcpFlags & TcpProbeFrames.ACK) == 0;
    }

    @Override
    public boolean holdsPort(Binding b) {
        return b.rule() == rule.number();
    }

    @Override
    public void released(Binding b, long now) {
        if (b.rule() == rule.number()) {
            scheduler.connectionClosed(b.inside());
        }
    }

    /** A connection found on the switch after a restart: counted as open. */
    void adopted(Endpoint server) {
        scheduler.connectionOpened(server);
    }

    /** Cumulative byte counters of this rule's live bindings, from a flow-stats poll. */
    void bytesPolled(Collection<BindingBytes> counters, long snapshotAt, long now) {
        scheduler.bytesPolled(counters, snapshotAt, now);
    }

    /** Whether a TCP segment from inside to a gateway address answers one of this rule's probes. */
    boolean claimsProbeReply(Ipv4Packet ip) {
        return health != null && health.claims(ip.dst(), ip.dstPort());
    }

    List<OFMessage> onProbeReply(PacketRef ref, Ipv4Packet ip, long now) {
        long ack = TcpProbeFrames.acknowledgment(ref.data());
        Optional<ProbeResult> result = health.onReply(ip.src(), ip.srcPort(), ip.dstPort(), ip.tcpFlags(), ack, now);
        return result.map(r -> apply(r, now)).orElse(List.of());
    }

    @Override
    public List<OFMessage> onTick(long now) {
        if (health == null) {
            return List.of();
        }
        List<OFMessage> out = new ArrayList<>();
        for (ProbeResult r : health.expire(now)) {
            out.addAll(apply(r, now));
        }
        for (Probe p : health.due(now)) {
            Optional<L2Hop> hop = ctx.toInside(p.server().address(), now);
            if (hop.isEmpty()) {
                out.addAll(ctx.arpFor(p.server().address()));
                health.unreachable(p, now).ifPresent(r -> out.addAll(apply(r, now)));
                continue;
            }
            ctx.counters().increment("nat.vs.probe_sent");
            out.add(ctx.compiler().sendFrame(hop.get().port(), TcpProbeFrames.syn(hop.get().source(),
                    hop.get().destination(), p.source(), p.server(), p.sourcePort(), p.sequence())));
        }
        return out;
    }

    private List<OFMessage> apply(ProbeResult r, long now) {
        List<OFMessage> out = new ArrayList<>();
        ctx.counters().increment("nat.vs.probe_" + r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (r.needsReset()) {
            Optional<L2Hop> hop = ctx.toInside(r.probe().server().address(), now);
            hop.ifPresent(h -> out.add(ctx.compiler().sendFrame(h.port(), TcpProbeFrames.rst(h.source(),
                    h.destination(), r.probe().source(), r.probe().server(), r.probe().sourcePort(),
                    r.probe().expectedAck()))));
        }
        r.transition().ifPresent(t -> transition(t));
        return out;
    }

    private void transition(HealthTransition t) {
        if (t.up()) {
            scheduler.markUp(t.server());
        } else {
            scheduler.markDown(t.server());
        }
        ctx.counters().increment(t.up() ? "nat.vs.server_up" : "nat.vs.server_down");
        LOG.warn("switch {}: rule '{}': server {} is {} ({}); {}", ctx.config().name(), rule.id(), t.server(),
                t.up() ? "UP" : "DOWN", t.reason(), t.up() ? "back in rotation"
                        : "no new connections; existing ones keep going");
    }

    @Override
    public List<OFMessage> stop(long now) {
        List<OFMessage> out = new ArrayList<>(ledger.deleteAll(ctx.compiler(), ctx.flows().deleteRule(rule.number())));
        if (health != null) {
            health.close();
        }
        RuleReservations.release(form.protocol(), form.external(), ctx.allocator(), now);
        return out;
    }

    @Override
    public Map<String, Object> status(long now) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("policy", form.policy().label());
        Map<Endpoint, HealthStatus> checks = new LinkedHashMap<>();
        if (health != null) {
            health.status().forEach(h -> checks.put(h.server(), h));
        }
        List<Map<String, Object>> servers = new ArrayList<>();
        for (ServerStatus st : scheduler.status()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("address", st.address().toString());
            one.put("weight", st.weight());
            one.put("up", st.up());
            one.put("connections", st.connections());
            one.put("bytes", st.bytes());
            one.put("chosen", st.chosen());
            HealthStatus h = checks.get(st.address());
            if (h != null) {
                one.put("probes", h.probes());
                one.put("probeFailures", h.failures());
                h.last().ifPresent(o -> one.put("lastProbe", o.name().toLowerCase(java.util.Locale.ROOT)));
            }
            servers.add(one);
        }
        s.put("serversUp", scheduler.status().stream().filter(ServerStatus::inRotation).count());
        s.put("servers", servers);
        return s;
    }
}
