package io.flowmasq.flowcompiler;

import io.flowmasq.flowcompiler.rules.RuleFlows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * Pure translation of NAT decisions into the OpenFlow messages one switch needs.
 * No I/O, no clock: the same input always yields the same messages.
 */
public final class FlowCompiler {
    /** Packet-ins carry whole frames: the FTP ALG needs payloads (OFPCML_NO_BUFFER). */
    public static final int CONTROLLER_MAX_LEN = 0xffff;
    /** The meter that rate-limits new inside flows on their way to the controller (OF1.3). */
    public static final long PACKET_IN_METER_ID = 1;
    /** OFPT_FLOW_MOD's type byte in the header: 14 in OpenFlow 1.0 and 1.3 alike. */
    private static final byte FLOW_MOD_TYPE = 14;

    private final Dialect dialect;
    private final OFFactory factory;
    private final RuleFlows ruleFlows;

    private FlowCompiler(Dialect dialect) {
        this.dialect = dialect;
        this.factory = dialect.factory();
        this.ruleFlows = new RuleFlows(dialect);
    }

    /** Picks the dialect for the factory's version, once. */
    public static FlowCompiler forFactory(OFFactory factory) {
        OFVersion version = factory.getVersion();
        switch (version) {
            case OF_10:
                return new FlowCompiler(new Of10Dialect(factory));
            case OF_13:
                return new FlowCompiler(new Of13Dialect(factory));
            default:
                throw new IllegalArgumentException("unsupported OpenFlow version " + version);
        }
    }

    public OFVersion version() {
        return factory.getVersion();
    }

    public OFFactory factory() {
        return factory;
    }

    /** The flows of the NAT rule chain's forms (static, netmap, twice NAT, virtual servers) for this switch. */
    public RuleFlows ruleFlows() {
        return ruleFlows;
    }

    /**
     * Whether this switch can track TCP state: match TCP flags (FIN/RST to the controller, a binding's SYN-ACK
     * to {@link #handshakeFlow}) and report which flow sent a packet-in. See {@link TcpControlFlows}.
     */
    public boolean supportsTcpFlags() {
        return dialect.supportsTcpFlags();
    }

    /** The proactive flows: ARP for gateway addresses and new inside flows to the controller, bridge, miss drop. */
    public List<OFMessage> pipeline(PipelineSpec spec) {
        return pipeline(spec, false);
    }

    /**
     * As {@link #pipeline(PipelineSpec)}; with {@code metered} the flows that send new inside flows to the
     * controller first pass the packet-in meter ({@link #PACKET_IN_METER_ID}), which must exist
     * ({@link #packetInMeter}). Only where {@link #supportsMeters()}.
     */
    public List<OFMessage> pipeline(PipelineSpec spec, boolean metered) {
        long meter = meterId(metered);
        List<OFMessage> out = new ArrayList<>();
        FlowStamp arp = FlowStamp.pipeline(Priorities.ARP_TO_GATEWAY);
        List<OFAction> toController = List.of(factory.actions().output(OFPort.CONTROLLER, CONTROLLER_MAX_LEN));
        for (PipelineSpec.InsideSegment segment : spec.inside()) {
            for (OFPort port : segment.ports()) {
                out.add(dialect.add(arpFor(port, segment.gateway()), toController, arp));
            }
        }
        for (IPv4Address address : spec.outside().addresses()) {
            out.add(dialect.add(arpFor(spec.outside().port(), address), toController, arp));
        }
        FlowStamp icmp = FlowStamp.pipeline(Priorities.ICMP_TO_CONTROLLER);
        for (IPv4Address address : spec.outside().addresses()) {
            Match icmpToUs = factory.buildMatch()
                    .setExact(MatchField.IN_PORT, spec.outside().port())
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.IP_PROTO, IpProtocol.ICMP)
                    .setExact(MatchField.IPV4_DST, address)
                    .build();
            out.add(dialect.add(icmpToUs, toController, icmp));
            // Open vSwitch shows no ports for IPv4 fragments: port 0 is how they look in the table.
            for (Protocol p : Protocol.values()) {
                Match.Builder fragment = factory.buildMatch()
                        .setExact(MatchField.IN_PORT, spec.outside().port())
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                        .setExact(MatchField.IP_PROTO, p.ipProtocol())
                        .setExact(MatchField.IPV4_DST, address);
                out.add(dialect.add(setL4(fragment, p, false, 0).build(), toController, icmp));
            }
        }
        FlowStamp bridge = FlowStamp.pipeline(Priorities.INSIDE_BRIDGE);
        for (PipelineSpec.InsideSegment segment : spec.inside()) {
            for (OFPort port : segment.ports()) {
                out.addAll(insideToController(spec, segment, port, meter));
                List<OFAction> flood = new ArrayList<>();
                for (OFPort other : segment.ports()) {
                    if (!other.equals(port)) {
                        flood.add(factory.actions().output(other, 0));
                    }
                }
                if (!flood.isEmpty()) {
                    out.add(dialect.add(factory.buildMatch().setExact(MatchField.IN_PORT, port).build(), flood, bridge));
                }
            }
        }
        if (dialect.supportsTcpFlags()) {
            out.addAll(TcpControlFlows.compile(dialect, spec));
        }
        out.add(dialect.add(factory.matchWildcardAll(), List.of(), FlowStamp.pipeline(Priorities.TABLE_MISS)));
        return out;
    }

    /**
     * Strict deletes of the pipeline flows {@code before} has and {@code after} has not: those of a public
     * address the rule chain no longer uses (its ARP, ICMP, fragment, FIN/RST and hairpin flows). Only exact
     * match and priority are deleted, never the other pipeline flows that share the cookie.
     */
    public List<OFMessage> pipelineRemoved(PipelineSpec before, PipelineSpec after) {
        record Key(int priority, Match match) {
        }
        java.util.Set<Key> kept = new java.util.HashSet<>();
        for (OFMessage m : pipeline(after, false)) {
            if (m instanceof OFFlowMod f) {
                kept.add(new Key(f.getPriority(), f.getMatch()));
            }
        }
        List<OFMessage> out = new ArrayList<>();
        for (OFMessage m : pipeline(before, false)) {
            if (m instanceof OFFlowMod f && !kept.contains(new Key(f.getPriority(), f.getMatch()))) {
                out.addAll(dialect.deleteStrict(new FlowStamp(f.getCookie(), f.getPriority(), 0, false),
                        List.of(f.getMatch())));
            }
        }
        return out;
    }

    /**
     * Only the pipeline flows that send new inside flows to the controller (new flow, to a public address),
     * with or without the meter: re-adding them replaces the installed ones in place (same match and
     * priority), so the switch is never without them.
     */
    public List<OFMessage> insideToController(PipelineSpec spec, boolean metered) {
        long meter = meterId(metered);
        List<OFMessage> out = new ArrayList<>();
        for (PipelineSpec.InsideSegment segment : spec.inside()) {
            for (OFPort port : segment.ports()) {
                out.addAll(insideToController(spec, segment, port, meter));
            }
        }
        return out;
    }

    private List<OFMessage> insideToController(PipelineSpec spec, PipelineSpec.InsideSegment segment, OFPort port,
                                               long meter) {
        List<OFAction> toController = List.of(factory.actions().output(OFPort.CONTROLLER, CONTROLLER_MAX_LEN));
        List<OFMessage> out = new ArrayList<>();
        Match toGateway = factory.buildMatch()
                .setExact(MatchField.IN_PORT, port)
                .setExact(MatchField.ETH_DST, segment.mac())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .build();
        out.add(dialect.add(toGateway, toController, FlowStamp.pipeline(Priorities.NEW_FLOW), 0, meter));
        for (IPv4Address address : spec.outside().addresses()) {
            Match toPublic = factory.buildMatch()
                    .setExact(MatchField.IN_PORT, port)
                    .setExact(MatchField.ETH_DST, segment.mac())
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.IPV4_DST, address)
                    .build();
            out.add(dialect.add(toPublic, toController, FlowStamp.pipeline(Priorities.TO_PUBLIC_ADDRESS), 0, meter));
        }
        return out;
    }

    /** Whether the version has meters (OF1.3); whether the switch has them it says in its meter features. */
    public boolean supportsMeters() {
        return factory.getVersion() != OFVersion.OF_10;
    }

    /** Asks the switch which meters it has (OF1.3 METER_FEATURES multipart request). */
    public OFMessage meterFeaturesRequest() {
        return factory.meterFeaturesStatsRequest(Set.of());
    }

    /**
     * The packet-in meter: packets beyond {@code packetsPerSecond} (bucket of {@code burst} packets) are
     * dropped by the switch. {@code command} ADD, or MODIFY when the switch already has the meter.
     */
    public OFMessage packetInMeter(OFMeterModCommand command, long packetsPerSecond, long burst) {
        if (!supportsMeters()) {
            throw new IllegalStateException("OpenFlow " + version() + " has no meters");
        }
        return factory.buildMeterMod()
                .setCommand(command)
                .setMeterId(PACKET_IN_METER_ID)
                .setFlags(Set.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST))
                .setMeters(List.of(factory.meterBands().drop(packetsPerSecond, burst)))
                .build();
    }

    private long meterId(boolean metered) {
        if (metered && !supportsMeters()) {
            throw new IllegalStateException("OpenFlow " + version() + " has no meters");
        }
        return metered ? PACKET_IN_METER_ID : 0;
    }

    /**
     * Puts an inside host in the penalty box: its IPv4 to the gateway MAC that no binding flow takes is
     * dropped by the switch until the hard timeout, instead of reaching the controller. No FLOW_REMOVED:
     * the engine keeps its own clock of the box.
     */
    public OFMessage penalise(PenaltySpec p) {
        return dialect.add(penaltyMatch(p), List.of(),
                new FlowStamp(Cookies.penalty(p.host()), Priorities.PENALTY, 0, false), p.seconds(), 0);
    }

    /** Lets the host out of the penalty box before its hard timeout. */
    public List<OFMessage> liftPenalty(PenaltySpec p) {
        return dialect.delete(new FlowStamp(Cookies.penalty(p.host()), Priorities.PENALTY, 0, false),
                List.of(penaltyMatch(p)));
    }

    private Match penaltyMatch(PenaltySpec p) {
        return factory.buildMatch()
                .setExact(MatchField.IN_PORT, p.port())
                .setExact(MatchField.ETH_DST, p.gatewayMac())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, p.host())
                .build();
    }

    /** Inbound flow first, then outbound, so a reply can never beat its return path into the table. */
    public List<OFMessage> installBinding(BindingSpec b) {
        return List.of(
                dialect.add(inboundMatch(b), inboundActions(b), inboundStamp(b)),
                dialect.add(outboundMatch(b), outboundActions(b), outboundStamp(b)));
    }

    /**
     * As {@link #installBinding(BindingSpec)}; unless {@code report} is {@link HandshakeReport#NONE}, a third
     * flow last: the handshake report flow ({@link #handshakeFlow}), which forwards the binding's SYN-ACK as
     * the binding's flow would and copies it to the controller. The binding's own flows never carry a controller
     * action, so established data stays on the switch's fast path even while Open vSwitch's datapath cache still
     * holds the report flow's actions. Only where {@link #supportsTcpFlags()}.
     */
    public List<OFMessage> installBinding(BindingSpec b, HandshakeReport report) {
        if (report == HandshakeReport.NONE) {
            return installBinding(b);
        }
        // Last, so that a table with room for two more flows takes the binding whole and refuses only
        // this one (isHandshakeFlowMod): the binding then goes on without its report, never half-installed.
        List<OFMessage> binding = installBinding(b);
        // the handshake flow narrows the match just built for the binding's flow in its direction
        Match plain = ((OFFlowMod) binding.get(report == HandshakeReport.INBOUND ? 0 : 1)).getMatch();
        return List.of(binding.get(0), binding.get(1), handshakeFlow(b, report, plain));
    }

    /**
     * The handshake report flow of a TRANSITORY TCP binding: the match of the binding's flow in direction
     * {@code report} plus SYN and ACK both set, above the binding ({@link Priorities#TCP_HANDSHAKE}), that flow's
     * actions and a copy to the controller, the binding's cookie (the packet-in says which binding,
     * {@link #bindingOf}). Only data-less SYN-ACKs match it. Its idle timeout is the binding's (the transitory
     * timer): it never outlives the binding, which deletes it by cookie with its other flows. No FLOW_REMOVED:
     * its end is not the binding's.
     */
    public OFMessage handshakeFlow(BindingSpec b, HandshakeReport report) {
        return handshakeFlow(b, report, plainMatch(b, report));
    }

    private OFMessage handshakeFlow(BindingSpec b, HandshakeReport report, Match plain) {
        requireHandshake(b, report);
        boolean inbound = report == HandshakeReport.INBOUND;
        List<OFAction> actions = new ArrayList<>(inbound ? inboundActions(b) : outboundActions(b));
        actions.add(factory.actions().output(OFPort.CONTROLLER, CONTROLLER_MAX_LEN));
        return dialect.add(dialect.withTcpFlags(plain, TcpFlags.SYN | TcpFlags.ACK), actions, handshakeStamp(b));
    }

    /**
     * Deletes the handshake report flow in direction {@code report} alone: strictly by match and priority, with
     * the binding's exact cookie (OF1.3), since a cookie delete would take the binding's own flows too.
     */
    public List<OFMessage> removeHandshake(BindingSpec b, HandshakeReport report) {
        return dialect.deleteStrict(handshakeStamp(b),
                List.of(dialect.withTcpFlags(plainMatch(b, report), TcpFlags.SYN | TcpFlags.ACK)));
    }

    /** The match of the binding's flow in direction {@code report}, which its handshake flow narrows. */
    private Match plainMatch(BindingSpec b, HandshakeReport report) {
        requireHandshake(b, report);
        return report == HandshakeReport.INBOUND ? inboundMatch(b) : outboundMatch(b);
    }

    private static FlowStamp handshakeStamp(BindingSpec b) {
        return new FlowStamp(Cookies.binding(b.id()), Priorities.TCP_HANDSHAKE, b.idleTimeout(), false);
    }

    private void requireHandshake(BindingSpec b, HandshakeReport report) {
        requireTcpFlags();
        if (report == HandshakeReport.NONE || b.protocol() != Protocol.TCP) {
            throw new IllegalArgumentException("no handshake report flow for " + report + " " + b.protocol());
        }
    }

    private void requireTcpFlags() {
        if (!dialect.supportsTcpFlags()) {
            throw new IllegalStateException("OpenFlow " + version() + " matches no TCP flags");
        }
    }

    /**
     * Re-adds the outbound flow with {@code b}'s idle timeout: the switch replaces the flow in place
     * (no packet misses it, no FLOW_REMOVED) and restarts its idle timer.
     */
    public OFMessage reinstallOutbound(BindingSpec b) {
        return dialect.add(outboundMatch(b), outboundActions(b), outboundStamp(b));
    }

    /**
     * The two flows of an application-level-gateway connection (FTP control): the same matches, cookie and
     * timers as a binding's, but every segment goes to the controller, which rewrites its payload and
     * sends it on. Inbound first, as for a binding.
     */
    public List<OFMessage> installAlgBinding(BindingSpec b) {
        List<OFAction> toController = List.of(factory.actions().output(OFPort.CONTROLLER, CONTROLLER_MAX_LEN));
        return List.of(
                dialect.add(inboundMatch(b), toController, inboundStamp(b)),
                dialect.add(outboundMatch(b), toController, outboundStamp(b)));
    }

    /** Re-adds an ALG connection's outbound flow with {@code b}'s idle timeout (its timer restarts). */
    public OFMessage reinstallAlgOutbound(BindingSpec b) {
        return dialect.add(outboundMatch(b),
                List.of(factory.actions().output(OFPort.CONTROLLER, CONTROLLER_MAX_LEN)), outboundStamp(b));
    }

    /** The binding whose flow sent this packet-in, where the switch says (OF1.3 packet-in cookie). */
    public OptionalLong bindingOf(OFPacketIn packetIn) {
        var cookie = dialect.cookie(packetIn);
        return cookie != null && Cookies.isBinding(cookie) ? OptionalLong.of(Cookies.bindingId(cookie))
                : OptionalLong.empty();
    }

    /**
     * Whether the switch refused a flow-mod because its flow table is full: FLOW_MOD_FAILED with
     * TABLE_FULL (1.1 and later) or ALL_TABLES_FULL (1.0's OFPFMFC_ALL_TABLES_FULL).
     */
    public static boolean isTableFull(OFErrorMsg error) {
        return error instanceof OFFlowModFailedErrorMsg f
                && (f.getCode() == OFFlowModFailedCode.TABLE_FULL || f.getCode() == OFFlowModFailedCode.ALL_TABLES_FULL);
    }

    /**
     * Whether the flow-mod an error reply quotes is a handshake report flow ({@link #handshakeFlow}): its
     * priority, read at its fixed offset (OF1.3: after the cookie, cookie mask, table, command and the two
     * timeouts), inside the 64 bytes switches quote. Always false where there are no such flows.
     */
    public boolean isHandshakeFlowMod(OFErrorMsg error) {
        byte[] quoted = error.getData() == null ? new byte[0] : error.getData().getData();
        int offset = dialect.flowModCookieOffset() + 22;
        if (!dialect.supportsTcpFlags() || quoted.length < offset + 2
                || quoted[0] != (byte) factory.getVersion().getWireVersion() || quoted[1] != FLOW_MOD_TYPE) {
            return false;
        }
        return (((quoted[offset] & 0xff) << 8) | (quoted[offset + 1] & 0xff)) == Priorities.TCP_HANDSHAKE;
    }

    /**
     * The cookie of the flow-mod an error reply quotes: parsed when the switch quoted the whole message,
     * else read at its fixed offset (switches usually quote only the first 64 bytes). Empty when the quote
     * is not one of this version's flow-mods or too short to hold the cookie.
     */
    public Optional<U64> cookieOfFailedFlowMod(OFErrorMsg error) {
        byte[] quoted = error.getData() == null ? new byte[0] : error.getData().getData();
        int offset = dialect.flowModCookieOffset();
        if (quoted.length < offset + 8 || quoted[0] != (byte) factory.getVersion().getWireVersion()
                || quoted[1] != FLOW_MOD_TYPE) {
            return Optional.empty();
        }
        try {
            var parsed = error.getData().getParsedMessage();
            if (parsed.isPresent() && parsed.get() instanceof OFFlowMod mod) {
                return Optional.of(mod.getCookie());
            }
        } catch (RuntimeException e) {
            // a quote Loxi cannot read (e.g. an unknown match field): the fixed offset still holds the cookie
        }
        long cookie = 0;
        for (int i = 0; i < 8; i++) {
            cookie = (cookie << 8) | (quoted[offset + i] & 0xff);
        }
        return Optional.of(U64.of(cookie));
    }

    /**
     * Removes the binding's flows (the switch reports each of its two with FLOW_REMOVED, reason DELETE). OF1.3
     * deletes by cookie, so a TRANSITORY binding's handshake report flow goes too; OF1.0 has none.
     */
    public List<OFMessage> removeBinding(BindingSpec b) {
        return dialect.delete(outboundStamp(b), List.of(inboundMatch(b), outboundMatch(b)));
    }

    /**
     * Deletes one flow the switch reported (flow stats): by exact cookie where the version can (all flows
     * with that cookie go), else strictly by priority and match.
     */
    public List<OFMessage> deleteFlow(org.projectfloodlight.openflow.types.U64 cookie, int priority, Match match) {
        return dialect.delete(new FlowStamp(cookie, priority, 0, false), List.of(match));
    }

    /** The inbound flow of a binding alone (the first of {@link #installBinding(BindingSpec)}'s messages). */
    public OFMessage installInbound(BindingSpec b) {
        return installBinding(b).get(0);
    }

    /** An ALG connection's inbound flow alone. */
    public OFMessage installAlgInbound(BindingSpec b) {
        return installAlgBinding(b).get(0);
    }

    /**
     * The two flows of a hairpin: sender → target's public endpoint becomes sender's public
     * endpoint → target's inside endpoint, and the target's answers the reverse. No idle timeout:
     * they live as long as both bindings and are removed with either ({@link #removeHairpin}).
     */
    public List<OFMessage> installHairpin(HairpinSpec h) {
        FlowStamp stamp = hairpinStamp(h);
        return List.of(
                dialect.add(hairpinMatch(h.target(), h.sender()), hairpinActions(h.target(), h.sender()), stamp),
                dialect.add(hairpinMatch(h.sender(), h.target()), hairpinActions(h.sender(), h.target()), stamp));
    }

    public List<OFMessage> removeHairpin(HairpinSpec h) {
        return dialect.delete(hairpinStamp(h),
                List.of(hairpinMatch(h.target(), h.sender()), hairpinMatch(h.sender(), h.target())));
    }

    /** Sends the sender's packet the controller holds on to the target, as the hairpin flow would. */
    public OFPacketOut forwardHairpin(HairpinSpec h, PacketRef packet) {
        return packetOut(packet, hairpinActions(h.sender(), h.target()));
    }

    /** Sends a packet the controller holds out as the outbound flow would have. */
    public OFPacketOut forwardOutbound(BindingSpec b, PacketRef packet) {
        return packetOut(packet, outboundActions(b));
    }

    /** Sends a packet the controller holds out as the inbound flow would have. */
    public OFPacketOut forwardInbound(BindingSpec b, PacketRef packet) {
        return packetOut(packet, inboundActions(b));
    }

    /** Drops a buffered packet (frees the switch buffer); null when nothing is buffered. */
    public OFPacketOut releaseBuffer(PacketRef packet) {
        return packet.bufferId().equals(OFBufferId.NO_BUFFER) ? null : packetOut(packet, List.of());
    }

    /** Sends a frame the controller built (ARP reply or request) out of one port. */
    public OFPacketOut sendFrame(OFPort port, byte[] frame) {
        return factory.buildPacketOut()
                .setBufferId(OFBufferId.NO_BUFFER)
                .setInPort(OFPort.CONTROLLER)
                .setActions(List.of(factory.actions().output(port, 0)))
                .setData(frame)
                .build();
    }

    /** The port a packet-in arrived on, whatever the version. */
    public OFPort inPort(OFPacketIn packetIn) {
        return dialect.inPort(packetIn);
    }

    /** Messages that make the switch punt TTL-expired packets to the controller. */
    public List<OFMessage> invalidTtlToController() {
        return dialect.invalidTtlToController();
    }

    public OFMessage barrier() {
        return factory.barrierRequest();
    }

    /** The in_port a flow's match names (FLOW_REMOVED, flow stats), or null when it matches any port. */
    public OFPort inPortOf(Match match) {
        return match.supports(MatchField.IN_PORT) ? match.get(MatchField.IN_PORT) : null;
    }

    /**
     * Asks for every flow of every table with its counters. All flows, not only ours: the count tells the
     * operator how full the table is, and OpenFlow 1.0 cannot filter by cookie anyway.
     */
    public OFMessage flowStatsRequest() {
        var request = factory.buildFlowStatsRequest()
                .setMatch(factory.matchWildcardAll())
                .setTableId(org.projectfloodlight.openflow.types.TableId.ALL)
                .setOutPort(OFPort.ANY);
        if (factory.getVersion() != OFVersion.OF_10) {
            request.setOutGroup(org.projectfloodlight.openflow.types.OFGroup.ANY);
        }
        return request.build();
    }

    /**
     * Only frames addressed to the gateway's inside MAC are routed: without eth_dst, a bound host talking
     * to an inside neighbour from the same source port would be translated and sent out of the outside port.
     */
    Match outboundMatch(BindingSpec b) {
        ExactMatch m = dialect.exactMatch()
                .set(MatchField.IN_PORT, b.toInside().port())
                .set(MatchField.ETH_DST, b.toInside().source())
                .set(MatchField.ETH_TYPE, EthType.IPv4)
                .set(MatchField.IP_PROTO, b.protocol().ipProtocol())
                .set(MatchField.IPV4_SRC, b.inside().address());
        setL4(m, b.protocol(), true, b.inside().port());
        if (b.remote() != null) {
            // dependent filtering: one outbound flow per session, so a new destination comes up
            m.set(MatchField.IPV4_DST, b.remote().address());
            if (!b.remote().anyPort()) {
                setL4(m, b.protocol(), false, b.remote().port());
            }
        }
        return m.build();
    }

    Match inboundMatch(BindingSpec b) {
        ExactMatch m = dialect.exactMatch()
                .set(MatchField.IN_PORT, b.toOutside().port())
                .set(MatchField.ETH_TYPE, EthType.IPv4)
                .set(MatchField.IP_PROTO, b.protocol().ipProtocol())
                .set(MatchField.IPV4_DST, b.external().address());
        setL4(m, b.protocol(), false, b.external().port());
        if (b.remote() != null) {
            m.set(MatchField.IPV4_SRC, b.remote().address());
            if (!b.remote().anyPort()) {
                setL4(m, b.protocol(), true, b.remote().port());
            }
        }
        return m.build();
    }

    /*
     * dec_ttl comes first: when the TTL runs out the switch stops there and punts the packet
     * (OFPR_INVALID_TTL) as it arrived, not half rewritten, so the controller can answer the
     * sender with time exceeded.
     */
    private List<OFAction> outboundActions(BindingSpec b) {
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Src(b.external().address()),
                dialect.setL4Src(b.protocol(), b.external().port()),
                dialect.setEthSrc(b.toOutside().source()),
                dialect.setEthDst(b.toOutside().destination()),
                factory.actions().output(b.toOutside().port(), 0));
    }

    private List<OFAction> inboundActions(BindingSpec b) {
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Dst(b.inside().address()),
                dialect.setL4Dst(b.protocol(), b.inside().port()),
                dialect.setEthSrc(b.toInside().source()),
                dialect.setEthDst(b.toInside().destination()),
                factory.actions().output(b.toInside().port(), 0));
    }

    /** The binding's clock: idle timeout on the outbound flow, refreshed by outbound traffic. */
    private static FlowStamp outboundStamp(BindingSpec b) {
        return new FlowStamp(Cookies.binding(b.id()), Priorities.BINDING, b.idleTimeout(), true);
    }

    /** No idle timeout of its own: removed with the binding when the outbound flow expires. */
    private static FlowStamp inboundStamp(BindingSpec b) {
        return new FlowStamp(Cookies.binding(b.id()), Priorities.BINDING, 0, true);
    }

    /** From {@code from}'s inside endpoint to {@code to}'s public endpoint, on {@code from}'s port. */
    private Match hairpinMatch(BindingSpec from, BindingSpec to) {
        Match.Builder m = factory.buildMatch()
                .setExact(MatchField.IN_PORT, from.toInside().port())
                .setExact(MatchField.ETH_DST, from.toInside().source())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, from.protocol().ipProtocol())
                .setExact(MatchField.IPV4_SRC, from.inside().address())
                .setExact(MatchField.IPV4_DST, to.external().address());
        setL4(m, from.protocol(), true, from.inside().port());
        return setL4(m, from.protocol(), false, to.external().port()).build();
    }

    /** Rewritten to come from {@code from}'s public endpoint and go to {@code to}'s inside endpoint. */
    private List<OFAction> hairpinActions(BindingSpec from, BindingSpec to) {
        OFPort out = to.toInside().port().equals(from.toInside().port()) ? OFPort.IN_PORT : to.toInside().port();
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Src(from.external().address()),
                dialect.setL4Src(from.protocol(), from.external().port()),
                dialect.setIpv4Dst(to.inside().address()),
                dialect.setL4Dst(from.protocol(), to.inside().port()),
                dialect.setEthSrc(to.toInside().source()),
                dialect.setEthDst(to.toInside().destination()),
                factory.actions().output(out, 0));
    }

    private static FlowStamp hairpinStamp(HairpinSpec h) {
        return new FlowStamp(Cookies.hairpin(h.id()), Priorities.HAIRPIN, 0, false);
    }

    private Match arpFor(OFPort port, IPv4Address target) {
        return factory.buildMatch()
                .setExact(MatchField.IN_PORT, port)
                .setExact(MatchField.ETH_TYPE, EthType.ARP)
                .setExact(MatchField.ARP_TPA, target)
                .build();
    }

    private static Match.Builder setL4(Match.Builder m, Protocol protocol, boolean source, int port) {
        TransportPort p = TransportPort.of(port);
        if (protocol == Protocol.TCP) {
            return source ? m.setExact(MatchField.TCP_SRC, p) : m.setExact(MatchField.TCP_DST, p);
        }
        return source ? m.setExact(MatchField.UDP_SRC, p) : m.setExact(MatchField.UDP_DST, p);
    }

    private static void setL4(ExactMatch m, Protocol protocol, boolean source, int port) {
        TransportPort p = TransportPort.of(port);
        if (protocol == Protocol.TCP) {
            m.set(source ? MatchField.TCP_SRC : MatchField.TCP_DST, p);
        } else {
            m.set(source ? MatchField.UDP_SRC : MatchField.UDP_DST, p);
        }
    }

    private OFPacketOut packetOut(PacketRef packet, List<OFAction> actions) {
        return dialect.packetOut(packet, actions);
    }
}
