package io.flowmasq.controller.session;

import static io.flowmasq.controller.session.SessionFixtures.GW_IN;
import static io.flowmasq.controller.session.SessionFixtures.GW_OUT;
import static io.flowmasq.controller.session.SessionFixtures.H1;
import static io.flowmasq.controller.session.SessionFixtures.OUT;
import static io.flowmasq.controller.session.SessionFixtures.P1;
import static io.flowmasq.controller.session.SessionFixtures.ROUTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.EffectiveConfig;
import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.config.ListenConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.BindingListener;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.openflow.SwitchHandler;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The connection sequence: flow stats asked for after the pipeline, the (multipart) reply reconciled, the
 * repairs confirmed by a barrier; packet-ins held until then and handled in order afterwards.
 */
class SwitchRebuildTest {
    private static final SwitchConfig S1 = SessionFixtures.switchConfig(1, "s1");

    private final FakeClock clock = new FakeClock(1_000_000);
    private final Map<String, Long> counters = new TreeMap<>();
    private SwitchSessions sessions;
    private ControllerNatService service;

    /** Answers a just-connected switch's flow-stats request with {@code entries} and the rebuild's barrier. */
    static void answerRebuild(FakeSwitchConnection conn, SwitchHandler handler, List<OFFlowStatsEntry> entries) {
        OFFlowStatsRequest request = statsRequest(conn.take());
        handler.onMessage(conn.factory().buildFlowStatsReply().setXid(request.getXid()).setEntries(entries).build());
        List<OFMessage> sent = conn.take();
        OFBarrierRequest barrier = assertInstanceOf(OFBarrierRequest.class, sent.get(sent.size() - 1));
        handler.onMessage(conn.factory().buildBarrierReply().setXid(barrier.getXid()).build());
    }

    private static OFFlowStatsRequest statsRequest(List<OFMessage> sent) {
        return sent.stream().filter(OFFlowStatsRequest.class::isInstance).map(OFFlowStatsRequest.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no flow-stats request in " + sent));
    }

    private void start() {
        FlowmasqConfig config = new FlowmasqConfig(new ListenConfig("0.0.0.0", 6653),
                new ListenConfig("127.0.0.1", 8080), TimerConfig.RFC, List.of(S1));
        sessions = new SwitchSessions(config, (sc, compiler) -> new NatEngine(sc, compiler,
                n -> counters.merge(n, 1L, Long::sum), new BindingIds(), BindingListener.NONE), clock,
                SwitchMetrics.NONE);
        service = new ControllerNatService(sessions, Map::of, clock, EffectiveConfig.toJson(config),
                new ManualScheduler(clock), new RateMeter(new AtomicLong()::get, clock, 2));
    }

    private record Switch(FakeSwitchConnection conn, SwitchHandler handler) {
        OFFactory factory() {
            return conn.factory();
        }

        List<OFMessage> packetIn(byte[] frame, org.projectfloodlight.openflow.types.OFPort port) {
            handler.onMessage(SessionFixtures.packetIn(factory(), port, frame));
            return conn.take();
        }
    }

    private Switch connect(OFVersion v) {
        FakeSwitchConnection conn = new FakeSwitchConnection(DatapathId.of(1), v);
        OFFeaturesReply features = conn.factory().buildFeaturesReply().setDatapathId(DatapathId.of(1)).build();
        return new Switch(conn, sessions.connected(conn, features));
    }

    /** Flows an earlier controller left: a UDP binding of H1's port 5001 on public port 5001, id 41. */
    private static BindingSpec oldBinding() {
        return new BindingSpec(41, Protocol.UDP, Endpoint.of("10.0.0.11", 5001), Endpoint.of("203.0.113.1", 5001),
                new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), 300);
    }

    private static List<OFFlowStatsEntry> entries(OFFactory f, List<OFMessage> adds) {
        List<OFFlowStatsEntry> out = new ArrayList<>();
        for (OFMessage m : adds) {
            OFFlowMod add = (OFFlowMod) m;
            OFFlowStatsEntry.Builder b = f.buildFlowStatsEntry().setCookie(add.getCookie())
                    .setPriority(add.getPriority()).setMatch(add.getMatch()).setIdleTimeout(add.getIdleTimeout())
                    .setDurationSec(30).setPacketCount(U64.of(10)).setByteCount(U64.of(1000));
            if (f.getVersion() == OFVersion.OF_10) {
                b.setActions(add.getActions());
            } else {
                b.setTableId(TableId.ZERO).setInstructions(add.getInstructions());
            }
            out.add(b.build());
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void packetInsWaitForTheRebuildAndItsBarrierThenGoThroughInOrder(OFVersion v) {
        start();
        Switch sw = connect(v);
        List<OFMessage> first = sw.conn().take();
        OFFlowStatsRequest request = statsRequest(first);
        assertFalse(service.health().ready(), "not ready before the table is rebuilt");

        // the router's ARP answer and a new flow from H1 whose preferred port is the old binding's
        assertEquals(List.of(), sw.packetIn(SessionFixtures.routerArpReply(), OUT));
        assertEquals(List.of(), sw.packetIn(SessionFixtures.udpFromH1(5002), P1), "held");
        assertEquals(List.of(), sw.packetIn(io.flowmasq.controller.nat.Frames.udp(SessionFixtures.H2, GW_IN,
                "10.0.0.12", 5001, "198.51.100.7", 53, SessionFixtures.PAYLOAD), P1), "held");

        // a multipart reply: the old binding's inbound flow in the first part, its outbound flow in the second
        FlowCompiler c = FlowCompiler.forFactory(sw.factory());
        List<OFFlowStatsEntry> old = entries(sw.factory(), c.installBinding(oldBinding()));
        sw.handler().onMessage(sw.factory().buildFlowStatsReply().setXid(request.getXid())
                .setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE)).setEntries(old.subList(0, 1)).build());
        assertEquals(List.of(), sw.conn().take(), "nothing until the last part");
        sw.handler().onMessage(sw.factory().buildFlowStatsReply().setXid(request.getXid())
                .setEntries(old.subList(1, 2)).build());
        List<OFMessage> rebuilt = sw.conn().take();
        OFBarrierRequest barrier = assertInstanceOf(OFBarrierRequest.class, rebuilt.get(rebuilt.size() - 1));
        assertEquals(1, rebuilt.size(), "adopted as it is: only the barrier");
        assertEquals(1, counters.get("nat.rebuild.adopted"));
        assertFalse(service.health().ready(), "not ready before the barrier reply");

        sw.handler().onMessage(sw.factory().buildBarrierReply().setXid(barrier.getXid()).build());
        List<OFMessage> after = sw.conn().take();
        assertTrue(service.health().ready());
        assertEquals(3, counters.get("nat.rebuild.held"));
        // H1's and H2's new flows got bindings, in order, after the router's MAC was learnt
        ManagedSwitch managed = sessions.managed().iterator().next();
        List<Binding> bindings = managed.snapshot();
        assertEquals(3, bindings.size());
        Binding h2 = bindings.stream().filter(b -> b.inside().equals(Endpoint.of("10.0.0.12", 5001))).findFirst()
                .orElseThrow();
        assertNotEquals(5001, h2.external().port(), "the adopted binding's public port is not handed out again");
        assertTrue(h2.id() > 41, "new ids are above the adopted ones");
        assertEquals(2, after.stream().filter(OFPacketOut.class::isInstance).count(), "both held packets sent on");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aSwitchThatNeverAnswersTheStatsRequestIsReadyAfterTheTimeout(OFVersion v) {
        start();
        Switch sw = connect(v);
        sw.conn().take();
        sw.packetIn(SessionFixtures.routerArpReply(), OUT);
        for (int i = 0; i < RebuildGate.MAX_HELD_PACKET_INS + 5; i++) {
            sw.packetIn(SessionFixtures.udpFromH1(6000 + i), P1);
        }
        // the router's answer and the first 1023 flows are held
        assertEquals(6, counters.get("nat.rebuild.held_dropped"), "the queue is bounded");
        clock.now += RebuildGate.STEP_TIMEOUT_MS / 5;
        sw.handler().onTick();
        assertFalse(service.health().ready());
        clock.now += RebuildGate.STEP_TIMEOUT_MS;
        sw.handler().onTick();
        assertTrue(service.health().ready(), "the fallback: carry on with the engine's table");
        assertEquals(1, counters.get("nat.rebuild.timeout"));
        // held longer than 2 s: dropped, not handled late
        assertEquals(RebuildGate.MAX_HELD_PACKET_INS, counters.get("nat.rebuild.held_expired"));
        assertEquals(0, sessions.managed().iterator().next().snapshot().size());
    }
}
