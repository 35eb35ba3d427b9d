package io.flowmasq.controller.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;

/**
 * The steps a switch goes through after each connect before its bindings count as live: all its flows
 * are asked for (COLLECTING, a multipart reply gathered to its last part), the binding table is reconciled
 * with them and the repairs sent with a barrier (CONFIRMING), and once the barrier is answered the switch
 * is READY. Until then packet-ins and FLOW_REMOVEDs are held, in arrival order, so that no new binding is
 * given a public port an old flow still uses and no removal overtakes the rebuild: at most
 * {@link #MAX_HELD_PACKET_INS} packet-ins, none older than {@link #MAX_HOLD_MS} (the rest dropped and
 * counted; the sender retransmits). A step the switch does not answer within {@link #STEP_TIMEOUT_MS}
 * ends the wait ({@link #expire}). Event loop only.
 */
final class RebuildGate {
    static final int MAX_HELD_PACKET_INS = 1024;
    static final long MAX_HOLD_MS = 2_000;
    static final long STEP_TIMEOUT_MS = 10_000;
    /** FLOW_REMOVEDs are not dropped (a lost one leaks a binding), but still bounded. */
    static final int MAX_HELD_MESSAGES = 65_536;

    enum Phase { COLLECTING, CONFIRMING, READY }

    /** What {@link #expire} found: packet-ins dropped for age, and whether the current step timed out. */
    record Expired(int dropped, Phase timedOut) {
    }

    private record Held(OFMessage message, long at) {
    }

    private final long statsXid;
    private final List<OFFlowStatsEntry> entries = new ArrayList<>();
    private final Deque<Held> held = new ArrayDeque<>();
    private Phase phase = Phase.COLLECTING;
    private long barrierXid = -1;
    private long deadline;
    private int heldPacketIns;

    RebuildGate(long statsXid, long now) {
        this.statsXid = statsXid;
        this.deadline = now + STEP_TIMEOUT_MS;
    }

    Phase phase() {
        return phase;
    }

    boolean ready() {
        return phase == Phase.READY;
    }

    /**
     * Holds a packet-in or FLOW_REMOVED while not ready: HELD; DROPPED when the queue is full; PASS when
     * ready (the caller handles it now).
     */
    Hold hold(OFMessage message, long now) {
        if (ready()) {
            return Hold.PASS;
        }
        boolean packetIn = message.getType() == OFType.PACKET_IN;
        if (packetIn ? heldPacketIns >= MAX_HELD_PACKET_INS : held.size() >= MAX_HELD_MESSAGES) {
            return Hold.DROPPED;
        }
        held.addLast(new Held(message, now));
        if (packetIn) {
            heldPacketIns++;
        }
        return Hold.HELD;
    }

    enum Hold { PASS, HELD, DROPPED }

    /** Takes a part of the flow-stats reply; all entries once the last part is in, else empty. */
    Optional<List<OFFlowStatsEntry>> onFlowStats(OFFlowStatsReply reply) {
        if (phase != Phase.COLLECTING || reply.getXid() != statsXid) {
            return Optional.empty();
        }
        entries.addAll(reply.getEntries());
        if (reply.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
            return Optional.empty();
        }
        List<OFFlowStatsEntry> all = List.copyOf(entries);
        entries.clear();
        return Optional.of(all);
    }

    /** The repairs went out followed by barrier {@code xid}. */
    void confirming(long xid, long now) {
        phase = Phase.CONFIRMING;
        barrierXid = xid;
        deadline = now + STEP_TIMEOUT_MS;
    }

    /** True when this is the reply to the rebuild's barrier: the switch is ready. */
    boolean onBarrierReply(long xid) {
        if (phase != Phase.CONFIRMING || xid != barrierXid) {
            return false;
        }
        phase = Phase.READY;
        return true;
    }

    /** Gives up waiting (timeout): ready from now on. */
    void giveUp() {
        phase = Phase.READY;
        entries.clear();
    }

    /** The held messages in arrival order, forgotten here. */
    List<OFMessage> drain() {
        List<OFMessage> out = new ArrayList<>(held.size());
        held.forEach(h -> out.add(h.message()));
        held.clear();
        heldPacketIns = 0;
        return out;
    }

    /** Drops packet-ins held longer than {@link #MAX_HOLD_MS}; says whether the current step is overdue. */
    Expired expire(long now) {
        int dropped = 0;
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.message().getType() == OFType.PACKET_IN && now - h.at() > MAX_HOLD_MS) {
                it.remove();
                heldPacketIns--;
                dropped++;
            }
        }
        Phase overdue = !ready() && now >= deadline ? phase : null;
        return new Expired(dropped, overdue);
    }

    int heldCount() {
        return held.size();
    }
}
