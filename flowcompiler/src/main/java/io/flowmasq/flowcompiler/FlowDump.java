package io.flowmasq.flowcompiler;

import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
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
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.match.MatchFields;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.Masked;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * Normalized text of OpenFlow messages, one line per message, in the spirit of {@code ovs-ofctl dump-flows}
 * and OVN's northd tests: reviewers read flow tables, and golden files compare them.
 *
 * <p>Version spellings are normalized so that OF1.0 and OF1.3 adds print the same text: match fields in
 * {@code MatchFields} order with decimal ports and protocols; {@code set_nw_src} and {@code set_field:ipv4_src}
 * both print {@code set_ipv4_src:A}, TCP/UDP port rewrites {@code set_l4_src:N}, Ethernet rewrites
 * {@code set_eth_src:M}, Nicira {@code dec_ttl} and {@code dec_nw_ttl} {@code dec_ttl}; an empty action
 * list prints {@code drop}. Table ids 0 and ALL (the single-table layout) and the xid are not printed.
 *
 * <pre>
 * add cookie=0x.. priority=N idle=N [hard=N] [send_flow_rem] MATCH actions=A,B
 * delete cookie=0x../0x.. MATCH            (OF1.0: delete MATCH)
 * delete_strict priority=N MATCH           (OF1.1+: with cookie=0x../0x.. when a cookie mask is set)
 * packet_out in_port=P buffer=none|N actions=A data_len=N
 * </pre>
 */
public final class FlowDump {
    private FlowDump() {
    }

    /** One line per message, in message order (order matters: it is the order the switch applies them). */
    public static List<String> lines(List<? extends OFMessage> messages) {
        List<String> out = new ArrayList<>(messages.size());
        messages.forEach(m -> out.add(line(m)));
        return out;
    }

    /** {@link #lines} joined, each line ending in a newline. */
    public static String dump(List<? extends OFMessage> messages) {
        return join(lines(messages));
    }

    /** The simulator's table without verbs, highest priority first, then by text (as a switch has no order). */
    public static String dumpTable(FlowTableSimulator table) {
        List<FlowTableSimulator.Entry> entries = new ArrayList<>(table.entries());
        List<String> out = new ArrayList<>();
        entries.sort(Comparator.comparingInt(FlowTableSimulator.Entry::priority).reversed()
                .thenComparing(FlowDump::entry));
        entries.forEach(e -> out.add(entry(e)));
        return join(out);
    }

    /** One simulator entry, as an add line without its verb. */
    public static String entry(FlowTableSimulator.Entry e) {
        Set<OFFlowModFlags> flags = e.sendFlowRemoved() ? Set.of(OFFlowModFlags.SEND_FLOW_REM) : Set.of();
        return flowText(U64.of(e.cookie()), e.priority(), e.idleTimeout(), 0, flags, e.match(), actions(e.actions()));
    }

    public static String line(OFMessage message) {
        if (message instanceof OFFlowMod) {
            return flowMod((OFFlowMod) message);
        }
        if (message instanceof OFPacketOut) {
            OFPacketOut p = (OFPacketOut) message;
            return "packet_out in_port=" + port(p.getInPort()) + " buffer=" + buffer(p.getBufferId())
                    + " actions=" + actions(p.getActions()) + " data_len=" + p.getData().length;
        }
        return message.getType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Match fields in {@code MatchFields} order. OF1.3 fields come from the OXM list, i.e. as sent: Loxi's
     * {@code getMatchFields()} hides a field whose prerequisites are missing, which a switch would reject.
     */
    public static String match(Match match) {
        TreeMap<MatchFields, String> fields = new TreeMap<>();
        if (match instanceof OFMatchV3) {
            for (OFOxm<?> oxm : ((OFMatchV3) match).getOxmList()) {
                fields.put(oxm.getMatchField().id, oxm.getMatchField().getName() + "=" + value(oxm.getValue())
                        + (oxm.isMasked() ? "/" + value(oxm.getMask()) : ""));
            }
        } else {
            match.getMatchFields().forEach(f -> fields.put(f.id, f.getName() + "=" + matchValue(match, f)));
        }
        return String.join(",", fields.values());
    }

    public static String actions(List<OFAction> actions) {
        if (actions.isEmpty()) {
            return "drop";
        }
        StringJoiner out = new StringJoiner(",");
        actions.forEach(a -> out.add(action(a)));
        return out.toString();
    }

    private static String flowMod(OFFlowMod m) {
        // Not a dialect choice: Loxi throws for properties OF1.0 lacks (table id, cookie mask, instructions).
        boolean of10 = m.getVersion() == OFVersion.OF_10;
        OFFlowModCommand command = m.getCommand();
        StringBuilder s = new StringBuilder(command.name().toLowerCase(Locale.ROOT));
        if (!of10 && !m.getTableId().equals(TableId.ZERO) && !m.getTableId().equals(TableId.ALL)) {
            s.append(" table=").append(m.getTableId().getValue());
        }
        if (command == OFFlowModCommand.DELETE || command == OFFlowModCommand.DELETE_STRICT) {
            if (!of10 && !m.getCookieMask().equals(U64.ZERO)) {
                s.append(" cookie=").append(hex(m.getCookie())).append('/').append(hex(m.getCookieMask()));
            }
            if (command == OFFlowModCommand.DELETE_STRICT) {
                s.append(" priority=").append(m.getPriority());
            }
            if (!m.getOutPort().equals(OFPort.ANY)) {
                s.append(" out_port=").append(port(m.getOutPort()));
            }
            String match = match(m.getMatch());
            return match.isEmpty() ? s.toString() : s.append(' ').append(match).toString();
        }
        if (!m.getBufferId().equals(OFBufferId.NO_BUFFER)) {
            s.append(" buffer=").append(m.getBufferId().getInt());
        }
        return s.append(' ').append(flowText(m.getCookie(), m.getPriority(), m.getIdleTimeout(),
                m.getHardTimeout(), m.getFlags(), m.getMatch(), of10 ? actions(m.getActions()) : instructions(m)))
                .toString();
    }

    /** Apply-actions inline; other instructions (multi-table layouts) by name after them. */
    private static String instructions(OFFlowMod m) {
        List<OFAction> actions = new ArrayList<>();
        StringJoiner extra = new StringJoiner(",");
        for (OFInstruction i : m.getInstructions()) {
            if (i instanceof OFInstructionApplyActions) {
                actions.addAll(((OFInstructionApplyActions) i).getActions());
            } else if (i instanceof OFInstructionGotoTable) {
                extra.add("goto_table:" + ((OFInstructionGotoTable) i).getTableId().getValue());
            } else {
                extra.add(i.getType().name().toLowerCase(Locale.ROOT));
            }
        }
        if (extra.length() == 0) {
            return actions(actions);
        }
        return actions.isEmpty() ? extra.toString() : actions(actions) + "," + extra;
    }

    private static String flowText(U64 cookie, int priority, int idle, int hard, Set<OFFlowModFlags> flags,
                                   Match match, String actions) {
        StringBuilder s = new StringBuilder("cookie=").append(hex(cookie))
                .append(" priority=").append(priority).append(" idle=").append(idle);
        if (hard != 0) {
            s.append(" hard=").append(hard);
        }
        new TreeSet<>(flags).forEach(f -> s.append(' ').append(f.name().toLowerCase(Locale.ROOT)));
        String m = match(match);
        if (!m.isEmpty()) {
            s.append(' ').append(m);
        }
        return s.append(" actions=").append(actions).toString();
    }

    private static String action(OFAction a) {
        switch (a.getType()) {
            case OUTPUT: {
                OFActionOutput o = (OFActionOutput) a;
                if (o.getPort().equals(OFPort.CONTROLLER)) {
                    return "CONTROLLER:" + o.getMaxLen();
                }
                String p = port(o.getPort());
                return Character.isDigit(p.charAt(0)) ? "output:" + p : p;
            }
            case SET_NW_SRC: return "set_ipv4_src:" + ((OFActionSetNwSrc) a).getNwAddr();
            case SET_NW_DST: return "set_ipv4_dst:" + ((OFActionSetNwDst) a).getNwAddr();
            case SET_TP_SRC: return "set_l4_src:" + ((OFActionSetTpSrc) a).getTpPort().getPort();
            case SET_TP_DST: return "set_l4_dst:" + ((OFActionSetTpDst) a).getTpPort().getPort();
            case SET_DL_SRC: return "set_eth_src:" + ((OFActionSetDlSrc) a).getDlAddr();
            case SET_DL_DST: return "set_eth_dst:" + ((OFActionSetDlDst) a).getDlAddr();
            case DEC_NW_TTL: return "dec_ttl";
            case SET_FIELD: return setField(((OFActionSetField) a).getField());
            default:
                return a instanceof OFActionNiciraDecTtl ? "dec_ttl" : a.toString();
        }
    }

    private static String setField(OFOxm<?> oxm) {
        String v = value(oxm.getValue());
        switch (oxm.getMatchField().id) {
            case IPV4_SRC: return "set_ipv4_src:" + v;
            case IPV4_DST: return "set_ipv4_dst:" + v;
            case TCP_SRC: case UDP_SRC: return "set_l4_src:" + v;
            case TCP_DST: case UDP_DST: return "set_l4_dst:" + v;
            case ETH_SRC: return "set_eth_src:" + v;
            case ETH_DST: return "set_eth_dst:" + v;
            default: return "set_field:" + oxm.getMatchField().getName() + "=" + v;
        }
    }

    private static <F extends OFValueType<F>> String matchValue(Match match, MatchField<F> f) {
        if (match.isExact(f)) {
            return value(match.get(f));
        }
        Masked<F> masked = match.getMasked(f);
        return value(masked.getValue()) + "/" + value(masked.getMask());
    }

    private static String value(Object v) {
        if (v instanceof OFPort) {
            return port((OFPort) v);
        }
        if (v instanceof IpProtocol) {
            return Short.toString(((IpProtocol) v).getIpProtocolNumber());
        }
        if (v instanceof EthType) {
            return "0x" + Integer.toHexString(((EthType) v).getValue());
        }
        return String.valueOf(v);
    }

    private static String port(OFPort p) {
        for (OFPort special : List.of(OFPort.CONTROLLER, OFPort.LOCAL, OFPort.IN_PORT, OFPort.FLOOD, OFPort.ALL,
                OFPort.NORMAL, OFPort.TABLE, OFPort.ANY)) {
            if (special.equals(p)) {
                return special.toString().toUpperCase(Locale.ROOT);
            }
        }
        return Integer.toString(p.getPortNumber());
    }

    private static String buffer(OFBufferId b) {
        return b.equals(OFBufferId.NO_BUFFER) ? "none" : Integer.toString(b.getInt());
    }

    private static String hex(U64 v) {
        return String.format("0x%016x", v.getValue());
    }

    private static String join(List<String> lines) {
        StringBuilder s = new StringBuilder();
        lines.forEach(l -> s.append(l).append('\n'));
        return s.toString();
    }
}
