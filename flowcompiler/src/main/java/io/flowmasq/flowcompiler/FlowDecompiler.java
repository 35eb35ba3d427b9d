package io.flowmasq.flowcompiler;

import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.rules.RuleFlowRef;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraDecTtl;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetDlDst;
import org.projectfloodlight.openflow.protocol.action.OFActionSetDlSrc;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.action.OFActionSetNwDst;
import org.projectfloodlight.openflow.protocol.action.OFActionSetNwSrc;
import org.projectfloodlight.openflow.protocol.action.OFActionSetTpDst;
import org.projectfloodlight.openflow.protocol.action.OFActionSetTpSrc;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * Reads a flow-stats entry back into what flowmasq installed it for: the inverse of {@link FlowCompiler}'s
 * binding flows (plain, handshake-report and ALG flavours, both directions, OF1.0 and OF1.3), and the rule
 * number and entry of a rule's flows (kind 0x04; {@link InstalledFlow#ruleFlow()}). Pure. A flow whose
 * cookie says "binding" but whose match or actions are not what the compiler makes is returned with
 * {@link InstalledFlow#undecodable()} set, never guessed at.
 */
public final class FlowDecompiler {
    private FlowDecompiler() {
    }

    public static InstalledFlow decompile(OFFlowStatsEntry e) {
        U64 cookie = e.getCookie();
        InstalledFlow.Kind kind = kindOf(cookie);
        long id = kind == InstalledFlow.Kind.BINDING || kind == InstalledFlow.Kind.HAIRPIN ? Cookies.idOf(cookie) : 0;
        BindingHalf half = null;
        String undecodable = null;
        if (kind == InstalledFlow.Kind.BINDING) {
            try {
                half = half(e.getMatch(), actions(e));
            } catch (Undecodable u) {
                undecodable = u.getMessage();
            }
        }
        long durationMillis = e.getDurationSec() * 1000L + e.getDurationNsec() / 1_000_000L;
        return new InstalledFlow(cookie, e.getPriority(), e.getMatch(), kind, id, half, undecodable,
                e.getIdleTimeout(), durationMillis, e.getPacketCount().getValue(), e.getByteCount().getValue());
    }

    public static List<InstalledFlow> decompile(List<OFFlowStatsEntry> entries) {
        List<InstalledFlow> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(decompile(e)));
        return out;
    }

    static InstalledFlow.Kind kindOf(U64 cookie) {
        if (!Cookies.isOurs(cookie)) {
            return InstalledFlow.Kind.FOREIGN;
        }
        if (Cookies.isPipeline(cookie)) {
            return InstalledFlow.Kind.PIPELINE;
        }
        if (Cookies.isBinding(cookie)) {
            return Cookies.idOf(cookie) == 0 ? InstalledFlow.Kind.UNKNOWN_KIND : InstalledFlow.Kind.BINDING;
        }
        if (Cookies.isHairpin(cookie)) {
            return Cookies.idOf(cookie) == 0 ? InstalledFlow.Kind.UNKNOWN_KIND : InstalledFlow.Kind.HAIRPIN;
        }
        if (RuleCookies.isRuleFlow(cookie)) {
            return RuleFlowRef.of(cookie).isPresent() ? InstalledFlow.Kind.RULE : InstalledFlow.Kind.UNKNOWN_KIND;
        }
        return InstalledFlow.Kind.UNKNOWN_KIND;
    }

    private static List<OFAction> actions(OFFlowStatsEntry e) {
        if (e.getVersion() == OFVersion.OF_10) {
            return e.getActions();
        }
        List<OFAction> out = new ArrayList<>();
        for (OFInstruction i : e.getInstructions()) {
            if (!(i instanceof OFInstructionApplyActions)) {
                throw new Undecodable("instruction " + i.getType());
            }
            out.addAll(((OFInstructionApplyActions) i).getActions());
        }
        return out;
    }

    /** What the actions rewrite and where they send the packet. */
    private static final class Rewrites {
        IPv4Address ipv4Src;
        IPv4Address ipv4Dst;
        Integer l4Src;
        Integer l4Dst;
        MacAddress ethSrc;
        MacAddress ethDst;
        OFPort output;
        boolean toController;

        boolean any() {
            return ipv4Src != null || ipv4Dst != null || l4Src != null || l4Dst != null || ethSrc != null
                    || ethDst != null || output != null;
        }
    }

    private static BindingHalf half(Match m, List<OFAction> actions) {
        if (!EthType.IPv4.equals(exact(m, MatchField.ETH_TYPE))) {
            throw new Undecodable("not an IPv4 match");
        }
        IpProtocol ipProto = exact(m, MatchField.IP_PROTO);
        Protocol protocol = ipProto == null ? null : Protocol.of(ipProto.getIpProtocolNumber()).orElse(null);
        if (protocol == null) {
            throw new Undecodable("ip_proto " + ipProto);
        }
        OFPort inPort = required(m, MatchField.IN_PORT);
        Rewrites r = rewrites(actions, protocol);
        MacAddress ethDst = exact(m, MatchField.ETH_DST);
        // the outbound flow alone matches the gateway's inside MAC (FlowCompiler#outboundMatch)
        boolean outbound = ethDst != null;
        boolean handshake = handshakeMatch(m);
        BindingHalf.Flavour flavour;
        if (r.toController && !r.any() && !handshake) {
            flavour = BindingHalf.Flavour.ALG;
        } else if (r.toController && handshake) {
            flavour = BindingHalf.Flavour.REPORT;
        } else if (!r.toController && !handshake) {
            flavour = BindingHalf.Flavour.PLAIN;
        } else {
            // a copy without the SYN-ACK match (an older flowmasq's reporting inbound flow), or the match without it
            throw new Undecodable(handshake ? "a SYN-ACK match without the copy to the controller"
                    : "a copy to the controller on a translating flow without the SYN-ACK match");
        }
        if (outbound) {
            Endpoint inside = new Endpoint(required(m, MatchField.IPV4_SRC), l4(m, protocol, true, true));
            IPv4Address remoteAddress = exact(m, MatchField.IPV4_DST);
            RemoteFilter remote = remoteAddress == null ? null
                    : new RemoteFilter(remoteAddress, l4(m, protocol, false, false));
            if (flavour == BindingHalf.Flavour.ALG) {
                return new BindingHalf(BindingHalf.Direction.OUTBOUND, flavour, protocol, inside, null, remote, inPort,
                        ethDst, null, null, null, null);
            }
            if (r.ipv4Src == null || r.l4Src == null || r.ethSrc == null
                    || r.ethDst == null || r.output == null || r.ipv4Dst != null || r.l4Dst != null) {
                throw new Undecodable("outbound actions are not a binding's");
            }
            return new BindingHalf(BindingHalf.Direction.OUTBOUND, flavour, protocol, inside,
                    new Endpoint(r.ipv4Src, r.l4Src), remote, inPort, ethDst, null, r.output, r.ethSrc, r.ethDst);
        }
        Endpoint external = new Endpoint(required(m, MatchField.IPV4_DST), l4(m, protocol, false, true));
        IPv4Address remoteAddress = exact(m, MatchField.IPV4_SRC);
        RemoteFilter remote = remoteAddress == null ? null
                : new RemoteFilter(remoteAddress, l4(m, protocol, true, false));
        if (flavour == BindingHalf.Flavour.ALG) {
            return new BindingHalf(BindingHalf.Direction.INBOUND, flavour, protocol, null, external, remote, null, null,
                    null, inPort, null, null);
        }
        if (r.ipv4Dst == null || r.l4Dst == null || r.ethSrc == null || r.ethDst == null || r.output == null
                || r.ipv4Src != null || r.l4Src != null) {
            throw new Undecodable("inbound actions are not a binding's");
        }
        return new BindingHalf(BindingHalf.Direction.INBOUND, flavour, protocol, new Endpoint(r.ipv4Dst, r.l4Dst),
                external, remote, r.output, r.ethSrc, r.ethDst, inPort, null, null);
    }

    private static Rewrites rewrites(List<OFAction> actions, Protocol protocol) {
        Rewrites r = new Rewrites();
        for (OFAction a : actions) {
            switch (a.getType()) {
                case OUTPUT: {
                    OFPort port = ((OFActionOutput) a).getPort();
                    if (port.equals(OFPort.CONTROLLER)) {
                        r.toController = true;
                    } else if (r.output == null) {
                        r.output = port;
                    } else {
                        throw new Undecodable("more than one output port");
                    }
                    break;
                }
                case SET_NW_SRC: r.ipv4Src = ((OFActionSetNwSrc) a).getNwAddr(); break;
                case SET_NW_DST: r.ipv4Dst = ((OFActionSetNwDst) a).getNwAddr(); break;
                case SET_TP_SRC: r.l4Src = ((OFActionSetTpSrc) a).getTpPort().getPort(); break;
                case SET_TP_DST: r.l4Dst = ((OFActionSetTpDst) a).getTpPort().getPort(); break;
                case SET_DL_SRC: r.ethSrc = ((OFActionSetDlSrc) a).getDlAddr(); break;
                case SET_DL_DST: r.ethDst = ((OFActionSetDlDst) a).getDlAddr(); break;
                case DEC_NW_TTL: break;
                case SET_FIELD: setField(r, ((OFActionSetField) a).getField(), protocol); break;
                default:
                    if (!(a instanceof OFActionNiciraDecTtl)) {
                        throw new Undecodable("action " + a.getType());
                    }
            }
        }
        return r;
    }

    private static void setField(Rewrites r, OFOxm<?> oxm, Protocol protocol) {
        Object v = oxm.getValue();
        switch (oxm.getMatchField().id) {
            case IPV4_SRC: r.ipv4Src = (IPv4Address) v; break;
            case IPV4_DST: r.ipv4Dst = (IPv4Address) v; break;
            case TCP_SRC: case UDP_SRC: r.l4Src = transport(oxm, protocol); break;
            case TCP_DST: case UDP_DST: r.l4Dst = transport(oxm, protocol); break;
            case ETH_SRC: r.ethSrc = (MacAddress) v; break;
            case ETH_DST: r.ethDst = (MacAddress) v; break;
            default: throw new Undecodable("set_field " + oxm.getMatchField().getName());
        }
    }

    private static int transport(OFOxm<?> oxm, Protocol protocol) {
        boolean tcpField = oxm.getMatchField().id == MatchField.TCP_SRC.id
                || oxm.getMatchField().id == MatchField.TCP_DST.id;
        if (tcpField != (protocol == Protocol.TCP)) {
            throw new Undecodable("set_field " + oxm.getMatchField().getName() + " on " + protocol.label());
        }
        return ((TransportPort) oxm.getValue()).getPort();
    }

    /**
     * Whether the match is a handshake report flow's: SYN and ACK set under exactly that mask
     * ({@link FlowCompiler#handshakeFlow}); any other tcp_flags match on a binding flow is not ours.
     */
    private static boolean handshakeMatch(Match m) {
        if (!m.supports(MatchField.OVS_TCP_FLAGS) || !m.isPartiallyMasked(MatchField.OVS_TCP_FLAGS)
                && !m.isExact(MatchField.OVS_TCP_FLAGS)) {
            return false;
        }
        int want = TcpFlags.SYN | TcpFlags.ACK;
        var masked = m.getMasked(MatchField.OVS_TCP_FLAGS);
        if (masked.getValue().getValue() != want || masked.getMask().getValue() != want) {
            throw new Undecodable("tcp_flags " + masked);
        }
        return true;
    }

    /** The match's port on the source or destination side; 0 when absent and {@code required} is false. */
    private static int l4(Match m, Protocol protocol, boolean source, boolean required) {
        MatchField<TransportPort> f = protocol == Protocol.TCP
                ? (source ? MatchField.TCP_SRC : MatchField.TCP_DST)
                : (source ? MatchField.UDP_SRC : MatchField.UDP_DST);
        TransportPort p = exact(m, f);
        if (p == null) {
            if (required) {
                throw new Undecodable("no " + f.getName() + " in the match");
            }
            return 0;
        }
        return p.getPort();
    }

    private static <F extends OFValueType<F>> F required(Match m, MatchField<F> f) {
        F v = exact(m, f);
        if (v == null) {
            throw new Undecodable("no " + f.getName() + " in the match");
        }
        return v;
    }

    /** The exact value of {@code f}; null when the match does not set it (or only under a mask). */
    private static <F extends OFValueType<F>> F exact(Match m, MatchField<F> f) {
        try {
            return m.supports(f) && m.isExact(f) ? m.get(f) : null;
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    /** A binding-cookie flow that is not what the compiler makes. */
    private static final class Undecodable extends RuntimeException {
        Undecodable(String message) {
            super(message, null, false, false);
        }
    }
}
