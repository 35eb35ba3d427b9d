package io.flowmasq.flowcompiler.sim;

import java.util.ArrayList;
import java.util.List;
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
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;

/** Applies an action list to a packet the way a switch would (the subset flowmasq uses). */
public final class ActionExecutor {
    private ActionExecutor() {
    }

    @SuppressWarnings("fallthrough") // Nicira dec_ttl deliberately shares dec_nw_ttl's branch
    public static SimResult execute(List<OFAction> actions, SimPacket packet, Long cookie) {
        List<SimResult.Output> outputs = new ArrayList<>();
        boolean toController = false;
        SimPacket p = packet;
        for (OFAction action : actions) {
            switch (action.getType()) {
                case OUTPUT: {
                    OFPort port = ((OFActionOutput) action).getPort();
                    if (port.equals(OFPort.CONTROLLER)) {
                        toController = true;
                    } else if (port.equals(OFPort.IN_PORT)) {
                        outputs.add(new SimResult.Output(p.inPort().getPortNumber(), p));
                    } else if (!port.equals(p.inPort())) {
                        // Switches never send out of the ingress port by number (only OFPP_IN_PORT does).
                        outputs.add(new SimResult.Output(port.getPortNumber(), p));
                    }
                    break;
                }
                case SET_NW_SRC: p = p.withIpv4Src(((OFActionSetNwSrc) action).getNwAddr()); break;
                case SET_NW_DST: p = p.withIpv4Dst(((OFActionSetNwDst) action).getNwAddr()); break;
                case SET_TP_SRC: p = p.withL4Src(((OFActionSetTpSrc) action).getTpPort().getPort()); break;
                case SET_TP_DST: p = p.withL4Dst(((OFActionSetTpDst) action).getTpPort().getPort()); break;
                case SET_DL_SRC: p = p.withEthSrc(((OFActionSetDlSrc) action).getDlAddr()); break;
                case SET_DL_DST: p = p.withEthDst(((OFActionSetDlDst) action).getDlAddr()); break;
                case EXPERIMENTER:
                    if (!(action instanceof OFActionNiciraDecTtl)) {
                        throw new IllegalArgumentException("simulator does not model action " + action);
                    }
                    // fall through: Nicira dec_ttl is OF1.0's spelling of dec_nw_ttl
                case DEC_NW_TTL:
                    if (p.ttl() <= 1) {
                        // A switch drops (or punts) rather than forwarding a packet whose TTL runs out.
                        return new SimResult(List.of(), false, cookie);
                    }
                    p = p.withTtl(p.ttl() - 1);
                    break;
                case SET_FIELD: p = setField(p, ((OFActionSetField) action).getField()); break;
                default:
                    throw new IllegalArgumentException("simulator does not model action " + action);
            }
        }
        return new SimResult(outputs, toController, cookie);
    }

    private static SimPacket setField(SimPacket p, OFOxm<?> oxm) {
        Object v = oxm.getValue();
        switch (oxm.getMatchField().id) {
            case IPV4_SRC: return p.withIpv4Src((IPv4Address) v);
            case IPV4_DST: return p.withIpv4Dst((IPv4Address) v);
            case TCP_SRC: case UDP_SRC: return p.withL4Src(((TransportPort) v).getPort());
            case TCP_DST: case UDP_DST: return p.withL4Dst(((TransportPort) v).getPort());
            case ETH_SRC: return p.withEthSrc((MacAddress) v);
            case ETH_DST: return p.withEthDst((MacAddress) v);
            default: throw new IllegalArgumentException("simulator does not model set_field " + oxm);
        }
    }
}
