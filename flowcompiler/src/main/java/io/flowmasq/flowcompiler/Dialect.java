package io.flowmasq.flowcompiler;

import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The only place that knows how one OpenFlow version spells rewrites, flow-mods and deletes.
 * Chosen once per switch by {@link FlowCompiler#forFactory}; nothing else branches on the version.
 * Public only so that {@code io.flowmasq.flowcompiler.rules} compiles its flows with the same spellings
 * ({@link FlowCompiler#ruleFlows()}); the implementations stay package-private.
 */
public interface Dialect {
    OFFactory factory();

    /**
     * Sends a packet the controller holds on with {@code actions}: from the switch's buffer when it kept the
     * packet, else with the packet's bytes.
     */
    default org.projectfloodlight.openflow.protocol.OFPacketOut packetOut(PacketRef packet, List<OFAction> actions) {
        org.projectfloodlight.openflow.protocol.OFPacketOut.Builder out = factory().buildPacketOut()
                .setBufferId(packet.bufferId())
                .setInPort(packet.inPort())
                .setActions(actions);
        if (packet.bufferId().equals(org.projectfloodlight.openflow.types.OFBufferId.NO_BUFFER)) {
            out.setData(packet.data());
        }
        return out.build();
    }

    OFAction setIpv4Src(IPv4Address address);

    OFAction setIpv4Dst(IPv4Address address);

    OFAction setL4Src(Protocol protocol, int port);

    OFAction setL4Dst(Protocol protocol, int port);

    OFAction setEthSrc(MacAddress mac);

    OFAction setEthDst(MacAddress mac);

    OFAction decTtl();

    /** The port a packet-in arrived on (a field in 1.0, a match field in 1.3). */
    OFPort inPort(OFPacketIn packetIn);

    /**
     * Asks the switch to send packets whose TTL runs out in dec_ttl to the controller, which then
     * answers with ICMP time exceeded (by default switches drop them silently).
     */
    List<OFMessage> invalidTtlToController();

    /**
     * Whether the switch can match TCP flags (OF1.3 on Open vSwitch: the ONF/OVS tcp_flags OXM) and
     * reports the cookie of the flow that sent a packet-in. Both are needed for TCP state tracking.
     */
    boolean supportsTcpFlags();

    /** A builder for an exact match, the cheapest this version's Loxi classes allow. */
    ExactMatch exactMatch();

    /** Adds a match on one TCP flag being set (masked); only where {@link #supportsTcpFlags()}. */
    Match.Builder matchTcpFlag(Match.Builder match, int flag);

    /**
     * {@code match} plus the TCP flags {@code flags} all set (masked): the match of a binding's flow narrowed to
     * one kind of segment. Only where {@link #supportsTcpFlags()}.
     */
    Match withTcpFlags(Match match, int flags);

    /** The cookie of the flow that sent the packet to the controller, or null where the version has none. */
    U64 cookie(OFPacketIn packetIn);

    /**
     * Where a flow-mod's cookie sits, in bytes from the start of the message: after the header in 1.3,
     * after the header and the fixed 40-byte ofp_match in 1.0. Errors quote only the first 64 bytes of
     * the failed message, too few for a parser, but both offsets fall inside them.
     */
    int flowModCookieOffset();

    /** An ADD flow-mod in table 0 carrying the stamp. */
    default OFMessage add(Match match, List<OFAction> actions, FlowStamp stamp) {
        return add(match, actions, stamp, 0, 0);
    }

    /**
     * As {@link #add(Match, List, FlowStamp)} with a hard timeout in seconds (0: none) and the meter the flow's
     * packets go through first (0: none; only where the version has meters).
     */
    OFMessage add(Match match, List<OFAction> actions, FlowStamp stamp, int hardTimeout, long meterId);

    /**
     * Deletes the flows that carry {@code stamp.cookie()}; {@code matches} are those flows' matches
     * at {@code stamp.priority()}, for versions that cannot delete by cookie.
     */
    List<OFMessage> delete(FlowStamp stamp, List<Match> matches);

    /**
     * Deletes exactly the flows with these matches at {@code stamp.priority()} (strict), and on versions with
     * cookie masks only those carrying {@code stamp.cookie()}: for flows that share their cookie with others
     * that must stay.
     */
    List<OFMessage> deleteStrict(FlowStamp stamp, List<Match> matches);

    /**
     * One delete of every flow, in every table, whose cookie equals {@code cookie} under {@code mask}; empty
     * where the version cannot delete by cookie (1.0), and the caller deletes each flow strictly instead.
     */
    Optional<OFMessage> deleteMasked(U64 cookie, U64 mask);
}
