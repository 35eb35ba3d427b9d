package io.flowmasq.controller.session;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Polls one switch for its flow statistics every {@code intervalMillis} and turns the (possibly
 * multi-part) reply into a {@link TrafficTable}. One poll at a time; a poll the switch leaves unanswered
 * for three intervals is given up so polling resumes. Runs on the switch's event loop only.
 */
final class FlowStatsPoller {
    private final FlowCompiler compiler;
    private final OFPort outsidePort;
    private final long intervalMillis;
    private long nextPollAt;
    private long outstandingXid = -1;
    private long outstandingSince;
    private final List<TrafficTable.FlowCounter> parts = new ArrayList<>();
    private int flowsSeen;

    FlowStatsPoller(FlowCompiler compiler, OFPort outsidePort, long intervalMillis, long now) {
        this.compiler = compiler;
        this.outsidePort = outsidePort;
        this.intervalMillis = intervalMillis;
        // the first poll comes soon after the connection, once the pipeline is in
        this.nextPollAt = now + Math.min(intervalMillis, 1_000);
    }

    /** The request to send now, when one is due. */
    Optional<OFMessage> poll(long now) {
        if (outstandingXid >= 0 && now - outstandingSince < 3 * intervalMillis) {
            return Optional.empty();
        }
        if (now < nextPollAt) {
            return Optional.empty();
        }
        OFMessage request = compiler.flowStatsRequest();
        outstandingXid = request.getXid();
        outstandingSince = now;
        nextPollAt = now + intervalMillis;
        parts.clear();
        flowsSeen = 0;
        return Optional.of(request);
    }

    /** The counters of the binding flows among {@code entries}, each marked outbound or inbound. */
    static List<TrafficTable.FlowCounter> bindingCounters(FlowCompiler compiler, OFPort outsidePort,
                                                          List<OFFlowStatsEntry> entries) {
        List<TrafficTable.FlowCounter> out = new ArrayList<>();
        for (OFFlowStatsEntry e : entries) {
            if (Cookies.isBinding(e.getCookie())) {
                boolean outbound = !outsidePort.equals(compiler.inPortOf(e.getMatch()));
                out.add(new TrafficTable.FlowCounter(Cookies.bindingId(e.getCookie()), outbound,
                        e.getPacketCount().getValue(), e.getByteCount().getValue()));
            }
        }
        return out;
    }

    /** Takes one part of the reply; the new table once the last part is in, else empty. */
    Optional<TrafficTable> onReply(OFFlowStatsReply reply, TrafficTable previous, long now) {
        if (reply.getXid() != outstandingXid) {
            return Optional.empty(); // a reply to a poll given up on
        }
        flowsSeen += reply.getEntries().size();
        parts.addAll(bindingCounters(compiler, outsidePort, reply.getEntries()));
        if (reply.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
            return Optional.empty();
        }
        outstandingXid = -1;
        TrafficTable next = previous.next(parts, flowsSeen, outstandingSince);
        parts.clear();
        return Optional.of(next);
    }
}
