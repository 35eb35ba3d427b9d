package io.flowmasq.flowcompiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * OpenFlow 1.0: set_nw/set_tp/set_dl actions, the Nicira dec_ttl extension (1.0 has no standard
 * TTL decrement; Open vSwitch understands it), and strict deletes by match (1.0 cannot delete by cookie).
 */
final class Of10Dialect implements Dialect {
    private final OFFactory factory;

    Of10Dialect(OFFactory factory) {
        this.factory = factory;
    }

    @Override
    public OFFactory factory() {
        return factory;
    }

    @Override
    public OFAction setIpv4Src(IPv4Address address) {
        return factory.actions().setNwSrc(address);
    }

    @Override
    public OFAction setIpv4Dst(IPv4Address address) {
        return factory.actions().setNwDst(address);
    }

    @Override
    public OFAction setL4Src(Protocol protocol, int port) {
        return factory.actions().setTpSrc(TransportPort.of(port));
    }

    @Override
    public OFAction setL4Dst(Protocol protocol, int port) {
        return factory.actions().setTpDst(TransportPort.of(port));
    }

    @Override
    public OFAction setEthSrc(MacAddress mac) {
        return factory.actions().setDlSrc(mac);
    }

    @Override
    public OFAction setEthDst(MacAddress mac) {
        return factory.actions().setDlDst(mac);
    }

    @Override
    public OFAction decTtl() {
        return factory.actions().niciraDecTtl();
    }

    @Override
    public ExactMatch exactMatch() {
        return ExactMatch.builder(factory);
    }

    @Override
    public OFPort inPort(OFPacketIn packetIn) {
        return packetIn.getInPort();
    }

    /**
     * OF1.0 has no standard way: OFPC_INVALID_TTL_TO_CONTROLLER is 1.1/1.2 only and Open vSwitch
     * ignores it on 1.0 connections (checked end to end); its Nicira async-config extension is not in
     * openflowj. TTL-expired packets of installed flows are then dropped by the switch (documented).
     */
    @Override
    public List<OFMessage> invalidTtlToController() {
        return List.of();
    }

    /** OF1.0 has no TCP-flags match and no cookie in packet-ins: TCP bindings keep one timer. */
    @Override
    public boolean supportsTcpFlags() {
        return false;
    }

    @Override
    public Match.Builder matchTcpFlag(Match.Builder match, int flag) {
        throw new UnsupportedOperationException("OpenFlow 1.0 cannot match TCP flags");
    }

    @Override
    public Match withTcpFlags(Match match, int flags) {
        throw new UnsupportedOperationException("OpenFlow 1.0 cannot match TCP flags");
    }

    @Override
    public U64 cookie(OFPacketIn packetIn) {
        return null;
    }

    @Override
    public int flowModCookieOffset() {
        return 48; // ofp_header (8) + ofp_match (40)
    }

    /** OpenFlow 1.0 has no meters (Open vSwitch rate-limits its packet-ins with controller_rate_limit instead). */
    @Override
    public OFMessage add(Match match, List<OFAction> actions, FlowStamp stamp, int hardTimeout, long meterId) {
        if (meterId != 0) {
            throw new IllegalArgumentException("OpenFlow 1.0 has no meters");
        }
        return factory.buildFlowAdd()
                .setCookie(stamp.cookie())
                .setPriority(stamp.priority())
                .setIdleTimeout(stamp.idleTimeout())
                .setHardTimeout(hardTimeout)
                .setFlags(stamp.sendFlowRemoved() ? Set.of(OFFlowModFlags.SEND_FLOW_REM) : Set.of())
                .setMatch(match)
                .setActions(actions)
                .build();
    }

    @Override
    public List<OFMessage> delete(FlowStamp stamp, List<Match> matches) {
        List<OFMessage> out = new ArrayList<>(matches.size());
        for (Match match : matches) {
            out.add(factory.buildFlowDeleteStrict()
                    .setPriority(stamp.priority())
                    .setOutPort(OFPort.ANY)
                    .setMatch(match)
                    .build());
        }
        return out;
    }

    /** 1.0's strict delete has no cookie: priority and match alone name the flow. */
    @Override
    public List<OFMessage> deleteStrict(FlowStamp stamp, List<Match> matches) {
        return delete(stamp, matches);
    }

    /** OpenFlow 1.0 deletes ignore the cookie: there is no masked delete. */
    @Override
    public Optional<OFMessage> deleteMasked(U64 cookie, U64 mask) {
        return Optional.empty();
    }
}
