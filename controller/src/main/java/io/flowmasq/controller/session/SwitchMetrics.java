package io.flowmasq.controller.session;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** What the sessions report per switch for the metrics: answer latency, messages sent, errors received. */
public interface SwitchMetrics {
    SwitchMetrics NONE = new SwitchMetrics() {
        @Override
        public void packetInAnswered(String dpid, long nanos) {
        }

        @Override
        public void sent(String dpid, List<OFMessage> messages) {
        }

        @Override
        public void errorReceived(String dpid, String type) {
        }
    };

    /** The controller took {@code nanos} to decide on a packet-in and queue its answer. */
    void packetInAnswered(String dpid, long nanos);

    void sent(String dpid, List<OFMessage> messages);

    /** An OFPT_ERROR from the switch, by error type (FLOW_MOD_FAILED, BAD_REQUEST, ...). */
    void errorReceived(String dpid, String type);
}
