package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.Dialect;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.FlowStamp;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Priorities;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * Pure translation of the rule chain's proactive and reactive flows (static/netmap hosts, twice-NAT pairs and
 * traps, virtual-server traps, ARP for rule addresses) into one switch's OpenFlow messages, spelled by the
 * switch's {@link Dialect}. Obtain it from {@link FlowCompiler#ruleFlows()}. No I/O, no clock.
 *
 * <p>Every flow carries a kind-0x04 cookie ({@link RuleCookies}): a host's or pair's own entry, or
 * {@link RuleCookies#RULE_ENTRY} for the rule's traps, so that {@link #deleteRule} removes all of a rule's
 * flows with one masked delete where the version can (OF1.3).
 */
public final class RuleFlows {
    private final Dialect dialect;
    private final OFFactory factory;

    public RuleFlows(Dialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.factory = dialect.factory();
    }

    // ---- static and netmap hosts

    /** Inbound flow first, then outbound, so a reply can never beat its return path into the table. */
    public List<OFMessage> installStaticHost(StaticHostSpec s) {
        FlowStamp stamp = staticStamp(s);
        return List.of(
                dialect.add(staticInboundMatch(s), staticInboundActions(s), stamp),
                dialect.add(staticOutboundMatch(s), staticOutboundActions(s), stamp));
    }

    /** Both flows of the host (OF1.3: by the host's own cookie; OF1.0: strictly by match). */
    public List<OFMessage> removeStaticHost(StaticHostSpec s) {
        return dialect.delete(staticStamp(s), List.of(staticInboundMatch(s), staticOutboundMatch(s)));
    }

    /** Sends a packet the controller holds out as the host's outbound flow would have. */
    public OFPacketOut forwardStaticOutbound(StaticHostSpec s, PacketRef packet) {
        return packetOut(packet, staticOutboundActions(s));
    }

    /** Sends a packet the controller holds in as the host's inbound flow would have. */
    public OFPacketOut forwardStaticInbound(StaticHostSpec s, PacketRef packet) {
        return packetOut(packet, staticInboundActions(s));
    }

    /** Static mappings have no clock: no idle timeout, nothing to report. */
    private static FlowStamp staticStamp(StaticHostSpec s) {
        return new FlowStamp(RuleCookies.flow(s.rule(), s.entry()), Priorities.RULE_ADDRESS, 0, false);
    }

    /** As a binding's: only frames routed to the gateway's inside MAC, so inside neighbours stay bridged. */
    private Match staticOutboundMatch(StaticHostSpec s) {
        Match.Builder m = factory.buildMatch()
                .setExact(MatchField.IN_PORT, s.toInside().port())
                .setExact(MatchField.ETH_DST, s.toInside().source())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4);
        setProtocol(m, s.protocol());
        m.setExact(MatchField.IPV4_SRC, s.inside());
        setPrefix(m, MatchField.IPV4_DST, s.remotes());
        return m.build();
    }

    private Match staticInboundMatch(StaticHostSpec s) {
        Match.Builder m = factory.buildMatch()
                .setExact(MatchField.IN_PORT, s.toOutside().port())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4);
        setProtocol(m, s.protocol());
        setPrefix(m, MatchField.IPV4_SRC, s.remotes());
        m.setExact(MatchField.IPV4_DST, s.external());
        return m.build();
    }

    /* dec_ttl first, as on binding flows: a packet whose TTL runs out is punted as it arrived. */
    private List<OFAction> staticOutboundActions(StaticHostSpec s) {
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Src(s.external()),
                dialect.setEthSrc(s.toOutside().source()),
                dialect.setEthDst(s.toOutside().destination()),
                factory.actions().output(s.toOutside().port(), 0));
    }

    private List<OFAction> staticInboundActions(StaticHostSpec s) {
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Dst(s.inside()),
                dialect.setEthSrc(s.toInside().source()),
                dialect.setEthDst(s.toInside().destination()),
                factory.actions().output(s.toInside().port(), 0));
    }

    // ---- twice NAT

    /**
     * The pair's two exact flows, inbound first. The outbound flow carries the pair's clock (idle timeout,
     * FLOW_REMOVED), as a binding's does; the inbound flow has none and is removed with it.
     */
    public List<OFMessage> installTwicePair(TwicePairSpec t) {
        return List.of(
                dialect.add(twiceInboundMatch(t), twiceInboundActions(t), twiceInboundStamp(t)),
                dialect.add(twiceOutboundMatch(t), twiceOutboundActions(t), twiceOutboundStamp(t)));
    }

    /** Re-adds the outbound flow: the switch replaces it in place and restarts its idle timer. */
    public OFMessage reinstallTwiceOutbound(TwicePairSpec t) {
        return dialect.add(twiceOutboundMatch(t), twiceOutboundActions(t), twiceOutboundStamp(t));
    }

    /** Both flows of the pair (OF1.3: by the pair's own cookie; OF1.0: strictly by match). */
    public List<OFMessage> removeTwicePair(TwicePairSpec t) {
        return dialect.delete(twiceOutboundStamp(t), List.of(twiceInboundMatch(t), twiceOutboundMatch(t)));
    }

    public OFPacketOut forwardTwiceOutbound(TwicePairSpec t, PacketRef packet) {
        return packetOut(packet, twiceOutboundActions(t));
    }

    public OFPacketOut forwardTwiceInbound(TwicePairSpec t, PacketRef packet) {
        return packetOut(packet, twiceInboundActions(t));
    }

    private static FlowStamp twiceOutboundStamp(TwicePairSpec t) {
        return new FlowStamp(RuleCookies.flow(t.rule(), t.entry()), Priorities.RULE_ADDRESS, t.idleTimeout(), true);
    }

    /** No FLOW_REMOVED: the outbound flow's removal already ends the pair. */
    private static FlowStamp twiceInboundStamp(TwicePairSpec t) {
        return new FlowStamp(RuleCookies.flow(t.rule(), t.entry()), Priorities.RULE_ADDRESS, 0, false);
    }

    private Match twiceOutboundMatch(TwicePairSpec t) {
        return factory.buildMatch()
                .setExact(MatchField.IN_PORT, t.toInside().port())
                .setExact(MatchField.ETH_DST, t.toInside().source())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, t.inside())
                .setExact(MatchField.IPV4_DST, t.remoteAs())
                .build();
    }

    private Match twiceInboundMatch(TwicePairSpec t) {
        return factory.buildMatch()
                .setExact(MatchField.IN_PORT, t.toOutside().port())
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, t.remote())
                .setExact(MatchField.IPV4_DST, t.insideAs())
                .build();
    }

    private List<OFAction> twiceOutboundActions(TwicePairSpec t) {
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Src(t.insideAs()),
                dialect.setIpv4Dst(t.remote()),
                dialect.setEthSrc(t.toOutside().source()),
                dialect.setEthDst(t.toOutside().destination()),
                factory.actions().output(t.toOutside().port(), 0));
    }

    private List<OFAction> twiceInboundActions(TwicePairSpec t) {
        return List.of(
                dialect.decTtl(),
                dialect.setIpv4Src(t.remoteAs()),
                dialect.setIpv4Dst(t.inside()),
                dialect.setEthSrc(t.toInside().source()),
                dialect.setEthDst(t.toInside().destination()),
                factory.actions().output(t.toInside().port(), 0));
    }

    /**
     * The traps that bring a twice-NAT rule's first packets to the controller, which then installs the pair:
     * one outbound trap per inside port (routed frames from {@code inside} to {@code outsideAs}), then one
     * inbound trap on {@code outsidePort} (from {@code outside} to {@code insideAs}).
     */
    public List<OFMessage> twiceTraps(int rule, List<InsideTrap> insidePorts, OFPort outsidePort,
                                      IPv4AddressWithMask inside, IPv4AddressWithMask insideAs,
                                      IPv4AddressWithMask outside, IPv4AddressWithMask outsideAs) {
        List<OFAction> toController = toController();
        FlowStamp stamp = trapStamp(rule, Priorities.RULE_TRAP);
        List<OFMessage> out = new ArrayList<>();
        for (Match m : twiceTrapMatches(insidePorts, outsidePort, inside, insideAs, outside, outsideAs)) {
            out.add(dialect.add(m, toController, stamp));
        }
        return out;
    }

    /** As above, the prefixes taken from the rule's form. */
    public List<OFMessage> twiceTraps(int rule, List<InsideTrap> insidePorts, OFPort outsidePort,
                                      RuleForm.TwiceNat form) {
        return twiceTraps(rule, insidePorts, outsidePort, form.inside(), form.insideAs(), form.outside(),
                form.outsideAs());
    }

    /** The traps of {@link #twiceTraps} alone, strictly (the rule's pairs and other traps stay). */
    public List<OFMessage> removeTwiceTraps(int rule, List<InsideTrap> insidePorts, OFPort outsidePort,
                                            RuleForm.TwiceNat form) {
        return dialect.deleteStrict(trapStamp(rule, Priorities.RULE_TRAP), twiceTrapMatches(insidePorts,
                outsidePort, form.inside(), form.insideAs(), form.outside(), form.outsideAs()));
    }

    private List<Match> twiceTrapMatches(List<InsideTrap> insidePorts, OFPort outsidePort,
                                         IPv4AddressWithMask inside, IPv4AddressWithMask insideAs,
                                         IPv4AddressWithMask outside, IPv4AddressWithMask outsideAs) {
        List<Match> out = new ArrayList<>(insidePorts.size() + 1);
        for (InsideTrap trap : insidePorts) {
            Match.Builder m = factory.buildMatch()
                    .setExact(MatchField.IN_PORT, trap.port())
                    .setExact(MatchField.ETH_DST, trap.gatewayMac())
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4);
            setPrefix(m, MatchField.IPV4_SRC, inside);
            setPrefix(m, MatchField.IPV4_DST, outsideAs);
            out.add(m.build());
        }
        Match.Builder m = factory.buildMatch()
                .setExact(MatchField.IN_PORT, outsidePort)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4);
        setPrefix(m, MatchField.IPV4_SRC, outside);
        setPrefix(m, MatchField.IPV4_DST, insideAs);
        out.add(m.build());
        return out;
    }

    // ---- virtual servers

    /**
     * New connections to a virtual server's public endpoint, to the controller, which picks the server and
     * installs the connection's binding (at {@link Priorities#BINDING}, above this trap).
     */
    public OFMessage virtualServerTrap(int rule, Protocol protocol, OFPort outsidePort, Endpoint vip) {
        return dialect.add(virtualServerMatch(protocol, outsidePort, vip), toController(),
                trapStamp(rule, Priorities.RULE_TRAP));
    }

    /**
     * Where the switch matches TCP flags: every SYN to a TCP virtual server goes up (above the connections'
     * binding flows), so the controller decides whether it opens a new connection or repeats a pending one.
     * Empty for UDP, and where the switch cannot match TCP flags.
     */
    public List<OFMessage> virtualServerSynTrap(int rule, Protocol protocol, OFPort outsidePort, Endpoint vip) {
        if (protocol != Protocol.TCP || !dialect.supportsTcpFlags()) {
            return List.of();
        }
        Match.Builder m = factory.buildMatch()
                .setExact(MatchField.IN_PORT, outsidePort)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, IpProtocol.TCP)
                .setExact(MatchField.IPV4_DST, vip.address())
                .setExact(MatchField.TCP_DST, TransportPort.of(vip.port()));
        return List.of(dialect.add(dialect.matchTcpFlag(m, io.flowmasq.flowcompiler.TcpFlags.SYN).build(),
                toController(), trapStamp(rule, Priorities.RULE_SYN_TRAP)));
    }

    public List<OFMessage> removeVirtualServerTrap(int rule, Protocol protocol, OFPort outsidePort, Endpoint vip) {
        return dialect.deleteStrict(trapStamp(rule, Priorities.RULE_TRAP),
                List.of(virtualServerMatch(protocol, outsidePort, vip)));
    }

    private Match virtualServerMatch(Protocol protocol, OFPort outsidePort, Endpoint vip) {
        return factory.buildMatch()
                .setExact(MatchField.IN_PORT, outsidePort)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, protocol.ipProtocol())
                .setExact(MatchField.IPV4_DST, vip.address())
                .setExact(protocol == Protocol.TCP ? MatchField.TCP_DST : MatchField.UDP_DST,
                        TransportPort.of(vip.port()))
                .build();
    }

    // ---- ARP

    /**
     * ARP on the outside port for any address of {@code addresses} (a prefix, or a /32), to the controller,
     * which answers for the rule's public addresses. One flow: both versions match a CIDR-masked target
     * address (OF1.0: nw_dst wildcard bits, which Open vSwitch applies to the ARP target).
     */
    public List<OFMessage> arpTrap(int rule, OFPort outsidePort, IPv4AddressWithMask addresses) {
        return List.of(dialect.add(arpMatch(outsidePort, addresses), toController(),
                trapStamp(rule, Priorities.ARP_TO_GATEWAY)));
    }

    public List<OFMessage> removeArpTrap(int rule, OFPort outsidePort, IPv4AddressWithMask addresses) {
        return dialect.deleteStrict(trapStamp(rule, Priorities.ARP_TO_GATEWAY),
                List.of(arpMatch(outsidePort, addresses)));
    }

    private Match arpMatch(OFPort outsidePort, IPv4AddressWithMask addresses) {
        IPv4AddressWithMask p = Prefixes.normalise(addresses);
        if (Prefixes.length(p) == 0) {
            throw new IllegalArgumentException("an ARP trap needs a prefix, not any address");
        }
        Match.Builder m = factory.buildMatch()
                .setExact(MatchField.IN_PORT, outsidePort)
                .setExact(MatchField.ETH_TYPE, EthType.ARP);
        setPrefix(m, MatchField.ARP_TPA, p);
        return m.build();
    }

    // ---- whole rules and reading flows back

    /**
     * Every flow of rule {@code rule}, in every table: one cookie-masked delete of its kind-0x04 flows and
     * one of its port-forward bindings (OF1.3). Empty on OF1.0, whose deletes ignore cookies: the caller
     * deletes each flow strictly with the {@code remove*} methods (or {@link #deleteStrict} for flows read
     * back from the switch).
     */
    public Optional<List<OFMessage>> deleteRule(int rule) {
        Optional<OFMessage> flows = dialect.deleteMasked(RuleCookies.ruleFlows(rule), RuleCookies.RULE_MASK);
        Optional<OFMessage> forwards = dialect.deleteMasked(RuleCookies.forwardBindings(rule),
                RuleCookies.FORWARD_MASK);
        if (flows.isEmpty() || forwards.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(List.of(flows.get(), forwards.get()));
    }

    /** Deletes exactly one flow the switch reported (flow stats), whatever flows share its cookie. */
    public List<OFMessage> deleteStrict(InstalledFlow flow) {
        return dialect.deleteStrict(new FlowStamp(flow.cookie(), flow.priority(), 0, false), List.of(flow.match()));
    }

    /** The rule flow a cookie names (flow-removed, flow stats, OF1.3 packet-in). */
    public Optional<RuleFlowRef> ruleFlowOf(U64 cookie) {
        return RuleFlowRef.of(cookie);
    }

    /**
     * The rule flow that sent this packet-in, where the switch says (OF1.3 packet-in cookie); empty on OF1.0,
     * where the engine classifies by the packet's addresses.
     */
    public Optional<RuleFlowRef> ruleFlowOf(OFPacketIn packetIn) {
        return RuleFlowRef.of(dialect.cookie(packetIn));
    }

    // ---- helpers

    private static FlowStamp trapStamp(int rule, int priority) {
        return new FlowStamp(RuleCookies.flow(rule, RuleCookies.RULE_ENTRY), priority, 0, false);
    }

    private List<OFAction> toController() {
        return List.of(factory.actions().output(OFPort.CONTROLLER, FlowCompiler.CONTROLLER_MAX_LEN));
    }

    private static void setProtocol(Match.Builder m, RuleProtocol protocol) {
        if (protocol != RuleProtocol.ANY) {
            m.setExact(MatchField.IP_PROTO, IpProtocol.of((short) protocol.number()));
        }
    }

    /**
     * Nothing for 0.0.0.0/0 (OF1.0 cannot even spell it masked), exact for a /32 (so it reads back as an
     * exact field), masked otherwise.
     */
    private static void setPrefix(Match.Builder m, MatchField<IPv4Address> field, IPv4AddressWithMask prefix) {
        IPv4AddressWithMask p = Prefixes.normalise(prefix);
        int length = Prefixes.length(p);
        if (length == 32) {
            m.setExact(field, p.getValue());
        } else if (length > 0) {
            m.setMasked(field, p.getValue(), p.getMask());
        }
    }

    private OFPacketOut packetOut(PacketRef packet, List<OFAction> actions) {
        return dialect.packetOut(packet, actions);
    }
}
