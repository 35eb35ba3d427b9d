package io.flowmasq.flowcompiler;

import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Pipeline flows that send TCP segments with FIN or RST set to the controller, above the binding
 * flows, so that it can move the binding to the transitory timer (RFC 5382 REQ-5). Only for switches
 * that match TCP flags ({@link Dialect#supportsTcpFlags()}). A masked match tests bits that are all
 * set, so "FIN or RST" takes two flows per ingress: one for each flag. The matches mirror the
 * binding flows': from inside only frames sent to the gateway MAC, from outside only segments to
 * one of the public addresses.
 */
final class TcpControlFlows {
    private static final int[] CLOSING_FLAGS = {TcpFlags.FIN, TcpFlags.RST};

    private TcpControlFlows() {
    }

    static List<OFMessage> compile(Dialect dialect, PipelineSpec spec) {
        OFFactory factory = dialect.factory();
        List<OFAction> toController =
                List.of(factory.actions().output(OFPort.CONTROLLER, FlowCompiler.CONTROLLER_MAX_LEN));
        FlowStamp stamp = FlowStamp.pipeline(Priorities.TCP_CONTROL);
        List<OFMessage> out = new ArrayList<>();
        for (PipelineSpec.InsideSegment segment : spec.inside()) {
            for (OFPort port : segment.ports()) {
                for (int flag : CLOSING_FLAGS) {
                    Match.Builder m = tcp(factory, port).setExact(MatchField.ETH_DST, segment.mac());
                    out.add(dialect.add(dialect.matchTcpFlag(m, flag).build(), toController, stamp));
                }
            }
        }
        for (IPv4Address address : spec.outside().addresses()) {
            for (int flag : CLOSING_FLAGS) {
                Match.Builder m = tcp(factory, spec.outside().port()).setExact(MatchField.IPV4_DST, address);
                out.add(dialect.add(dialect.matchTcpFlag(m, flag).build(), toController, stamp));
            }
        }
        return out;
    }

    private static Match.Builder tcp(OFFactory factory, OFPort port) {
        return factory.buildMatch()
                .setExact(MatchField.IN_PORT, port)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, IpProtocol.TCP);
    }
}
