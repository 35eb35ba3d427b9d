package io.flowmasq.flowcompiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFOxmList;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U64;

/** OpenFlow 1.3: set_field rewrites, apply-actions instructions, cookie-masked deletes. */
final class Of13Dialect implements Dialect {
    private final OFFactory factory;
    private final OFOxms oxms;

    Of13Dialect(OFFactory factory) {
        this.factory = factory;
        this.oxms = factory.oxms();
    }

    @Override
    public OFFactory factory() {
        return factory;
    }

    @Override
    public OFAction setIpv4Src(IPv4Address address) {
        return factory.actions().setField(oxms.ipv4Src(address));
    }

    @Override
    public OFAction setIpv4Dst(IPv4Address address) {
        return factory.actions().setField(oxms.ipv4Dst(address));
    }

    @Override
    public OFAction setL4Src(Protocol protocol, int port) {
        TransportPort p = TransportPort.of(port);
        return factory.actions().setField(protocol == Protocol.TCP ? oxms.tcpSrc(p) : oxms.udpSrc(p));
    }

    @Override
    public OFAction setL4Dst(Protocol protocol, int port) {
        TransportPort p = TransportPort.of(port);
        return factory.actions().setField(protocol == Protocol.TCP ? oxms.tcpDst(p) : oxms.udpDst(p));
    }

    @Override
    public OFAction setEthSrc(MacAddress mac) {
        return factory.actions().setField(oxms.ethSrc(mac));
    }

    @Override
    public OFAction setEthDst(MacAddress mac) {
        return factory.actions().setField(oxms.ethDst(mac));
    }

    @Override
    public OFAction decTtl() {
        return factory.actions().decNwTtl();
    }

    @Override
    public ExactMatch exactMatch() {
        return ExactMatch.oxm(factory);
    }

    @Override
    public OFPort inPort(OFPacketIn packetIn) {
        return packetIn.getMatch().get(MatchField.IN_PORT);
    }

    /**
     * OF1.3 moved "invalid TTL to controller" from SET_CONFIG into the asynchronous configuration;
     * the mask is per reason, so the defaults (no match, action; all port-status and flow-removed
     * reasons) are restated with INVALID_TTL added.
     */
    @Override
    public List<OFMessage> invalidTtlToController() {
        return List.of(factory.buildAsyncSet()
                .setPacketInMaskEqualMaster(bit(OFPR_NO_MATCH) | bit(OFPR_ACTION) | bit(OFPR_INVALID_TTL))
                .setPacketInMaskSlave(0)
                .setPortStatusMaskEqualMaster(0b111)
                .setPortStatusMaskSlave(0b111)
                .setFlowRemovedMaskEqualMaster(0b1111)
                .setFlowRemovedMaskSlave(0)
                .build());
    }

    private static final int OFPR_NO_MATCH = 0;
    private static final int OFPR_ACTION = 1;
    private static final int OFPR_INVALID_TTL = 2;

    private static long bit(int reason) {
        return 1L << reason;
    }

    /** Open vSwitch accepts its tcp_flags OXM (ONF experimenter class) in OF1.3; hardware usually does not. */
    @Override
    public boolean supportsTcpFlags() {
        return true;
    }

    @Override
    public Match.Builder matchTcpFlag(Match.Builder match, int flag) {
        return match.setMasked(MatchField.OVS_TCP_FLAGS, U16.of(flag), U16.of(flag));
    }

    /**
     * On the OXM list itself, as {@link ExactMatch#oxm} builds it: a Match.Builder made from a built match would
     * rebuild the list per field, an OFOxmList.Builder add an EnumMap over all match fields (a new TCP binding's
     * handshake flow is made on the packet-in path).
     */
    @Override
    public Match withTcpFlags(Match match, int flags) {
        List<OFOxm<?>> list = new ArrayList<>(8);
        ((OFMatchV3) match).getOxmList().forEach(list::add);
        list.add(oxms.ovsTcpFlagsMasked(U16.of(flags), U16.of(flags)));
        return factory.buildMatchV3().setOxmList(OFOxmList.ofList(list)).build();
    }

    @Override
    public U64 cookie(OFPacketIn packetIn) {
        return packetIn.getCookie();
    }

    @Override
    public int flowModCookieOffset() {
        return 8; // ofp_header (8)
    }

    /** A meter instruction comes first: OpenFlow 1.3 applies instructions in this order (meter, apply-actions). */
    @Override
    public OFMessage add(Match match, List<OFAction> actions, FlowStamp stamp, int hardTimeout, long meterId) {
        List<OFInstruction> instructions = new ArrayList<>(2);
        if (meterId != 0) {
            instructions.add(factory.instructions().meter(meterId));
        }
        if (!actions.isEmpty()) {
            instructions.add(factory.instructions().applyActions(actions));
        }
        return factory.buildFlowAdd()
                .setTableId(TableId.ZERO)
                .setCookie(stamp.cookie())
                .setPriority(stamp.priority())
                .setIdleTimeout(stamp.idleTimeout())
                .setHardTimeout(hardTimeout)
                .setFlags(stamp.sendFlowRemoved() ? Set.of(OFFlowModFlags.SEND_FLOW_REM) : Set.of())
                .setMatch(match)
                .setInstructions(instructions)
                .build();
    }

    @Override
    public List<OFMessage> delete(FlowStamp stamp, List<Match> matches) {
        return List.of(factory.buildFlowDelete()
                .setTableId(TableId.ALL)
                .setCookie(stamp.cookie())
                .setCookieMask(Cookies.EXACT)
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setMatch(factory.matchWildcardAll())
                .build());
    }

    @Override
    public List<OFMessage> deleteStrict(FlowStamp stamp, List<Match> matches) {
        List<OFMessage> out = new ArrayList<>(matches.size());
        for (Match match : matches) {
            out.add(factory.buildFlowDeleteStrict()
                    .setTableId(TableId.ALL)
                    .setCookie(stamp.cookie())
                    .setCookieMask(Cookies.EXACT)
                    .setPriority(stamp.priority())
                    .setOutPort(OFPort.ANY)
                    .setOutGroup(OFGroup.ANY)
                    .setMatch(match)
                    .build());
        }
        return out;
    }

    @Override
    public Optional<OFMessage> deleteMasked(U64 cookie, U64 mask) {
        return Optional.of(factory.buildFlowDelete()
                .setTableId(TableId.ALL)
                .setCookie(cookie)
                .setCookieMask(mask)
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setMatch(factory.matchWildcardAll())
                .build());
    }
}
