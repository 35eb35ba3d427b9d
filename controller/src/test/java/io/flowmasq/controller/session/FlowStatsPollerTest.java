package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.session.TrafficTable.Traffic;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

class FlowStatsPollerTest {
    private static final OFPort INSIDE = OFPort.of(1);
    private static final OFPort OUTSIDE = OFPort.of(3);
    private static final long INTERVAL = 10_000;
    private static final long CONNECTED = 100_000;

    private static OFFlowStatsEntry entry(OFFactory f, U64 cookie, OFPort inPort, long packets, long bytes) {
        return f.buildFlowStatsEntry()
                .setCookie(cookie)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, inPort).build())
                .setPacketCount(U64.of(packets))
                .setByteCount(U64.of(bytes))
                .build();
    }

    private static OFFlowStatsEntry binding(OFFactory f, long id, boolean outbound, long packets, long bytes) {
        return entry(f, Cookies.binding(id), outbound ? INSIDE : OUTSIDE, packets, bytes);
    }

    private static OFFlowStatsReply reply(OFFactory f, long xid, boolean more, OFFlowStatsEntry... entries) {
        return f.buildFlowStatsReply()
                .setXid(xid)
                .setFlags(more ? Set.of(OFStatsReplyFlags.REPLY_MORE) : Set.of())
                .setEntries(List.of(entries))
                .build();
    }

    private static OFMessage zeroXid(OFMessage m) {
        return m.createBuilder().setXid(0).build();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void firstPollASecondAfterConnectingThenEveryInterval(OFVersion v) {
        OFFactory f = OFFactories.getFactory(v);
        FlowCompiler c = FlowCompiler.forFactory(f);
        FlowStatsPoller p = new FlowStatsPoller(c, OUTSIDE, INTERVAL, CONNECTED);
        assertEquals(Optional.empty(), p.poll(CONNECTED));
        assertEquals(Optional.empty(), p.poll(CONNECTED + 999));
        OFMessage first = p.poll(CONNECTED + 1_000).orElseThrow();
        assertEquals(zeroXid(c.flowStatsRequest()), zeroXid(first));
        assertEquals(Optional.empty(), p.poll(CONNECTED + 2_000), "one outstanding at a time");

        TrafficTable t = p.onReply(reply(f, first.getXid(), false), TrafficTable.EMPTY, CONNECTED + 1_050)
                .orElseThrow();
        assertEquals(0, t.flowCount());
        assertEquals(CONNECTED + 1_000, t.asOf(), "the poll's time");
        assertEquals(Optional.empty(), p.poll(CONNECTED + 1_000 + INTERVAL - 1));
        OFMessage second = p.poll(CONNECTED + 1_000 + INTERVAL).orElseThrow();
        assertNotEquals(first.getXid(), second.getXid());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aShortIntervalIsAlsoTheFirstDelay(OFVersion v) {
        FlowStatsPoller p = new FlowStatsPoller(FlowCompiler.forFactory(OFFactories.getFactory(v)), OUTSIDE, 500,
                CONNECTED);
        assertEquals(Optional.empty(), p.poll(CONNECTED + 499));
        assertTrue(p.poll(CONNECTED + 500).isPresent());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anUnansweredPollIsGivenUpAfterThreeIntervalsAndItsLateReplyIgnored(OFVersion v) {
        OFFactory f = OFFactories.getFactory(v);
        FlowStatsPoller p = new FlowStatsPoller(FlowCompiler.forFactory(f), OUTSIDE, INTERVAL, CONNECTED);
        long sent = CONNECTED + 1_000;
        OFMessage lost = p.poll(sent).orElseThrow();
        for (long t = sent + 1_000; t < sent + 3 * INTERVAL; t += 1_000) {
            assertEquals(Optional.empty(), p.poll(t), "still waiting at " + (t - sent));
        }
        OFMessage retry = p.poll(sent + 3 * INTERVAL).orElseThrow();
        assertNotEquals(lost.getXid(), retry.getXid());

        TrafficTable before = TrafficTable.EMPTY;
        assertEquals(Optional.empty(), p.onReply(reply(f, lost.getXid(), false, binding(f, 1, true, 5, 50)), before,
                sent + 3 * INTERVAL + 10), "the reply to the abandoned poll");
        TrafficTable t = p.onReply(reply(f, retry.getXid(), false, binding(f, 1, true, 6, 60)), before,
                sent + 3 * INTERVAL + 20).orElseThrow();
        assertEquals(Optional.of(new Traffic(6, 60, 0, 0, sent + 3 * INTERVAL)), t.of(1));
        assertEquals(Optional.empty(), p.onReply(reply(f, retry.getXid(), false), t, sent + 3 * INTERVAL + 30),
                "answered already");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void multipartRepliesAccumulateAndOtherCookiesOnlyCount(OFVersion v) {
        OFFactory f = OFFactories.getFactory(v);
        FlowStatsPoller p = new FlowStatsPoller(FlowCompiler.forFactory(f), OUTSIDE, INTERVAL, CONNECTED);
        long sent = CONNECTED + 1_000;
        long xid = p.poll(sent).orElseThrow().getXid();

        assertEquals(Optional.empty(), p.onReply(reply(f, xid, true,
                binding(f, 1, true, 10, 1000),
                entry(f, Cookies.PIPELINE, OUTSIDE, 999, 99_999),
                binding(f, 2, false, 3, 180)), TrafficTable.EMPTY, sent + 10), "more to come");
        assertEquals(Optional.empty(), p.onReply(reply(f, xid, true,
                entry(f, U64.ZERO, INSIDE, 7, 700),
                entry(f, Cookies.hairpin(1), INSIDE, 8, 800)), TrafficTable.EMPTY, sent + 20));
        TrafficTable t = p.onReply(reply(f, xid, false,
                binding(f, 1, false, 4, 400),
                binding(f, 2, true, 1, 60)), TrafficTable.EMPTY, sent + 30).orElseThrow();

        assertEquals(7, t.flowCount(), "all flows of all parts");
        assertEquals(Optional.of(new Traffic(10, 1000, 4, 400, sent)), t.of(1));
        assertEquals(Optional.of(new Traffic(1, 60, 3, 180, sent)), t.of(2));
        assertEquals(Optional.empty(), t.of(Cookies.bindingId(Cookies.binding(1)) + 100));

        // the next poll starts from scratch
        long xid2 = p.poll(sent + INTERVAL).orElseThrow().getXid();
        TrafficTable next = p.onReply(reply(f, xid2, false, binding(f, 1, true, 10, 1000)), t, sent + INTERVAL + 5)
                .orElseThrow();
        assertEquals(1, next.flowCount());
        assertEquals(Optional.of(new Traffic(10, 1000, 0, 0, sent)), next.of(1), "outbound did not move");
        assertEquals(Optional.empty(), next.of(2));
    }
}
