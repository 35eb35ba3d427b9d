package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Priorities;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.sim.ActionExecutor;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** RFC 5382 REQ-5: transitory → established → closing timers, driven through the simulated switch. */
class TcpStateTest {
    private static final String REMOTE = "198.51.100.7";

    private static byte[] fromH1(int flags) {
        return Frames.tcp(H1, GW_IN, "10.0.0.11", 40000, REMOTE, 80, flags);
    }

    private static byte[] toPublic(int flags) {
        return Frames.tcp(ROUTER, GW_OUT, REMOTE, 80, "203.0.113.1", 40000, flags);
    }

    private static BindingSpec spec(int idle) {
        return new BindingSpec(1, Protocol.TCP, Endpoint.of("10.0.0.11", 40000), Endpoint.of("203.0.113.1", 40000),
                new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), idle);
    }

    private static Binding binding(EngineHarness h) {
        return h.engine.bindings().byId(1).orElseThrow();
    }

    private static long cookie() {
        return Cookies.binding(1).getValue();
    }

    private static FlowTableSimulator.Entry flow(EngineHarness h, byte[] frame, OFPort port) {
        return h.table.lookup(EngineHarness.simPacket(port, frame)).orElseThrow();
    }

    /** OF1.3 switch with a binding whose handshake completed. */
    private static EngineHarness established() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13).connected();
        h.switchReceives(P1, fromH1(TcpFlags.SYN));
        h.switchReceives(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK));
        assertEquals(BindingState.ESTABLISHED, binding(h).state());
        return h;
    }

    @Test
    void newTcpBindingIsTransitoryAndItsHandshakeFlowReportsTheSynAck() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13).connected();
        byte[] syn = fromH1(TcpFlags.SYN);
        EngineHarness.Switched s = h.switchReceives(P1, syn);
        assertTrue(s.result().toController(), "the first SYN went up as a new flow");
        assertEquals(Priorities.BINDING, flow(h, syn, P1).priority(), "the next SYN takes the binding's flow");

        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new ArrayList<>(c.installBinding(spec(240), HandshakeReport.INBOUND));
        want.add(c.forwardOutbound(spec(240), PacketRef.unbuffered(P1, syn)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(s.messages()));
        assertEquals(Priorities.TCP_HANDSHAKE, flow(h, toPublic(TcpFlags.SYN | TcpFlags.ACK), OUT).priority());
        assertEquals(Priorities.BINDING, flow(h, toPublic(TcpFlags.ACK), OUT).priority(),
                "data and ACKs take the plain inbound flow");
        assertFalse(h.switchReceives(OUT, toPublic(TcpFlags.ACK | 0x08)).result().toController(),
                "a data segment before the SYN-ACK (never in TCP, but whatever comes) is not reported");
        assertEquals(BindingState.TRANSITORY, binding(h).state());
        assertEquals(BindingState.TRANSITORY, binding(h).state());
        assertEquals(240, binding(h).spec().idleTimeout());
        assertEquals(240, flow(h, fromH1(TcpFlags.ACK), P1).idleTimeout());
        assertEquals(0, flow(h, toPublic(TcpFlags.ACK), OUT).idleTimeout(), "the inbound flow has no timer");
    }

    @Test
    void firstInboundPacketIsForwardedByTheSwitchAndEstablishesTheBinding() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13).connected();
        h.switchReceives(P1, fromH1(TcpFlags.SYN));
        EngineHarness.Switched synAck = h.switchReceives(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK));

        SimResult r = synAck.result();
        assertEquals(1, r.only().port(), "the switch forwards the answer itself");
        assertEquals("10.0.0.11", r.only().packet().ipv4Dst().toString());
        assertEquals(40000, r.only().packet().l4Dst());
        assertEquals(H1, r.only().packet().ethDst());
        assertTrue(r.toController(), "and reports it");
        assertEquals(cookie(), r.cookie());
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new ArrayList<>();
        want.add(c.reinstallOutbound(spec(7440)));
        want.addAll(c.removeHandshake(spec(240), HandshakeReport.INBOUND));
        assertEquals(Xids.zeroed(want), Xids.zeroed(synAck.messages()),
                "outbound re-timed, the handshake flow deleted strictly, no packet-out: the controller only learns");
        assertEquals(BindingState.ESTABLISHED, binding(h).state());
        assertEquals(7440, binding(h).spec().idleTimeout());
        assertEquals(1, h.counter("nat.tcp.established"));

        // Both flows still translate; a retransmitted SYN-ACK no longer goes up.
        assertFalse(h.switchReceives(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK)).result().toController());
        SimResult in = h.switchReceives(OUT, toPublic(TcpFlags.ACK)).result();
        assertEquals(1, in.only().port());
        assertFalse(in.toController());
        SimResult out = h.switchReceives(P1, fromH1(TcpFlags.ACK)).result();
        assertEquals(3, out.only().port());
        assertEquals("203.0.113.1", out.only().packet().ipv4Src().toString());
        assertEquals(ROUTER, out.only().packet().ethDst());
        assertEquals(7440, flow(h, fromH1(TcpFlags.ACK), P1).idleTimeout());
        assertEquals(2, h.table.entriesWithCookie(cookie()).size());
    }

    @Test
    void aLateReportChangesNothing() {
        EngineHarness h = established();
        // a retransmitted SYN-ACK the handshake flow sent before the switch applied its delete
        List<OFMessage> late = h.engine.onPacketIn(h.buildPacketIn(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK),
                OFBufferId.NO_BUFFER, U64.of(cookie())), h.now);
        assertEquals(List.of(), late, "the switch already forwarded it");
        assertEquals(1, h.counter("nat.tcp.late_report"));
        assertEquals(BindingState.ESTABLISHED, binding(h).state());
    }

    @Test
    void onlySynAckCopiesAreReportsNotPacketsABindingFlowPuntsForAnotherReason() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13).connected();
        h.switchReceives(P1, fromH1(TcpFlags.SYN));
        OFPacketIn ttlExpired = h.factory.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER)
                .setReason(OFPacketInReason.INVALID_TTL).setTableId(TableId.ZERO).setCookie(U64.of(cookie()))
                .setMatch(h.factory.buildMatch().setExact(MatchField.IN_PORT, OUT).build())
                .setData(toPublic(TcpFlags.SYN | TcpFlags.ACK)).setTotalLen(54).build();
        h.engine.onPacketIn(ttlExpired, h.now);
        assertEquals(BindingState.TRANSITORY, binding(h).state(), "not taken for the peer's answer");
        assertEquals(0, h.counter("nat.tcp.established") + h.counter("nat.tcp.late_report"));
        // A copy that is not a SYN-ACK is no report either, from either side (no handshake flow sends one).
        h.engine.onPacketIn(h.buildPacketIn(P1, fromH1(TcpFlags.ACK), OFBufferId.NO_BUFFER, U64.of(cookie())), h.now);
        h.engine.onPacketIn(h.buildPacketIn(OUT, toPublic(TcpFlags.ACK), OFBufferId.NO_BUFFER, U64.of(cookie())), h.now);
        assertEquals(BindingState.TRANSITORY, binding(h).state());
        assertEquals(0, h.counter("nat.tcp.established") + h.counter("nat.tcp.late_report"));
    }

    @Test
    void finFromInsideIsForwardedAndTheBindingBecomesTransitory() {
        EngineHarness h = established();
        byte[] fin = fromH1(TcpFlags.FIN | TcpFlags.ACK);
        EngineHarness.Switched s = h.switchReceives(P1, fin);
        assertTrue(s.result().toController() && s.result().outputs().isEmpty(), "FIN goes up, not out");

        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = List.of(c.reinstallOutbound(spec(240)),
                c.forwardOutbound(spec(240), PacketRef.unbuffered(P1, fin)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(s.messages()));
        OFPacketOut po = (OFPacketOut) s.messages().get(1);
        SimResult sent = ActionExecutor.execute(po.getActions(), EngineHarness.simPacket(P1, fin), null);
        assertEquals(3, sent.only().port());
        assertEquals("203.0.113.1", sent.only().packet().ipv4Src().toString());
        assertEquals(40000, sent.only().packet().l4Src());
        assertEquals(TcpFlags.FIN | TcpFlags.ACK, sent.only().packet().tcpFlags());

        assertEquals(BindingState.CLOSING, binding(h).state());
        assertEquals(240, binding(h).spec().idleTimeout());
        assertEquals(240, flow(h, fromH1(TcpFlags.ACK), P1).idleTimeout());
        assertEquals(1, h.switchReceives(OUT, toPublic(TcpFlags.ACK)).result().only().port());
        assertEquals(1, h.counter("nat.tcp.closing"));

        // The peer's FIN: forwarded inbound; already closing, so no flow-mod.
        byte[] finBack = toPublic(TcpFlags.FIN | TcpFlags.ACK);
        EngineHarness.Switched back = h.switchReceives(OUT, finBack);
        assertEquals(Xids.zeroed(List.of(c.forwardInbound(spec(240), PacketRef.unbuffered(OUT, finBack)))),
                Xids.zeroed(back.messages()));
        assertEquals(BindingState.CLOSING, binding(h).state());
        assertEquals(2, h.counter("nat.tcp.fin_rst"));
    }

    @Test
    void rstFromOutsideIsForwardedAndTheBindingBecomesTransitory() {
        EngineHarness h = established();
        byte[] rst = toPublic(TcpFlags.RST | TcpFlags.ACK);
        EngineHarness.Switched s = h.switchReceives(OUT, rst);
        assertTrue(s.result().toController() && s.result().outputs().isEmpty());

        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = List.of(c.reinstallOutbound(spec(240)),
                c.forwardInbound(spec(240), PacketRef.unbuffered(OUT, rst)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(s.messages()));
        SimResult sent = ActionExecutor.execute(((OFPacketOut) s.messages().get(1)).getActions(),
                EngineHarness.simPacket(OUT, rst), null);
        assertEquals(1, sent.only().port());
        assertEquals("10.0.0.11", sent.only().packet().ipv4Dst().toString());
        assertEquals(40000, sent.only().packet().l4Dst());
        assertEquals(H1, sent.only().packet().ethDst());
        assertEquals(BindingState.CLOSING, binding(h).state());
        assertEquals(240, flow(h, fromH1(TcpFlags.ACK), P1).idleTimeout());
    }

    @Test
    void rstBeforeTheHandshakeDeletesTheHandshakeFlow() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13).connected();
        h.switchReceives(P1, fromH1(TcpFlags.SYN));
        byte[] rst = toPublic(TcpFlags.RST | TcpFlags.ACK);
        EngineHarness.Switched s = h.switchReceives(OUT, rst);
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new ArrayList<>();
        want.add(c.reinstallOutbound(spec(240)));
        // the binding does not record which direction answers: both directions' handshake flows, strictly
        want.addAll(c.removeHandshake(spec(240), HandshakeReport.INBOUND));
        want.addAll(c.removeHandshake(spec(240), HandshakeReport.OUTBOUND));
        want.add(c.forwardInbound(spec(240), PacketRef.unbuffered(OUT, rst)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(s.messages()));
        assertEquals(BindingState.CLOSING, binding(h).state());
        assertEquals(2, h.table.entriesWithCookie(cookie()).size(), "the handshake flow is gone");
        SimResult later = h.switchReceives(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK)).result();
        assertFalse(later.toController(), "a closing binding is never established by a late answer");
        assertEquals(BindingState.CLOSING, binding(h).state());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aLoneFinOrRstFromInsideCreatesNoBinding(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        for (int flags : new int[] {TcpFlags.FIN | TcpFlags.ACK, TcpFlags.RST}) {
            EngineHarness.Switched s = h.switchReceives(P1, fromH1(flags));
            assertTrue(s.result().toController(), "OF1.3: the FIN/RST flow; OF1.0: the new-flow flow");
            assertEquals(List.of(), s.messages(), "dropped (nothing buffered to release)");
        }
        assertEquals(0, h.engine.bindings().size());
        assertEquals(2, h.counter("nat.ignored.tcp_fin_rst_without_binding"));
        assertEquals(0, h.counter("nat.binding_created"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aFinOrRstFromOutsideWithoutBindingIsDropped(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        EngineHarness.Switched s = h.switchReceives(OUT, toPublic(TcpFlags.RST));
        assertTrue(s.result().outputs().isEmpty());
        assertEquals(List.of(), s.messages());
        // OF1.3 looks at it (and counts it); OF1.0 never sees it: the table-miss drop.
        assertEquals(s.result().toController() ? 1 : 0, h.counter("nat.ignored.tcp_fin_rst_unsolicited"));
        assertEquals(FlowCompiler.forFactory(h.factory).supportsTcpFlags(), s.result().toController());
        assertEquals(0, h.engine.bindings().size());
    }

    @Test
    void of10BindingsStayOnTheEstablishedTimer() {
        EngineHarness h = new EngineHarness(OFVersion.OF_10).connected();
        byte[] syn = fromH1(TcpFlags.SYN);
        EngineHarness.Switched s = h.switchReceives(P1, syn);
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new ArrayList<>(c.installBinding(spec(7440)));
        want.add(c.forwardOutbound(spec(7440), PacketRef.unbuffered(P1, syn)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(s.messages()));
        assertEquals(BindingState.ESTABLISHED, binding(h).state());

        SimResult answer = h.switchReceives(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK)).result();
        assertEquals(1, answer.only().port());
        assertFalse(answer.toController());
        SimResult fin = h.switchReceives(P1, fromH1(TcpFlags.FIN | TcpFlags.ACK)).result();
        assertEquals(3, fin.only().port(), "a FIN follows the binding flow");
        assertFalse(fin.toController());
        assertEquals(1, h.switchReceives(OUT, toPublic(TcpFlags.RST)).result().only().port());
        assertEquals(BindingState.ESTABLISHED, binding(h).state());
        assertEquals(7440, flow(h, fromH1(TcpFlags.ACK), P1).idleTimeout());
        assertEquals(0, h.counter("nat.tcp.closing"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void udpBindingsAreActive(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5555, REMOTE, 53, new byte[4]));
        assertEquals(BindingState.ACTIVE, binding(h).state());
        assertEquals("active", binding(h).state().label());
        assertEquals(300, binding(h).spec().idleTimeout());
    }

    @Test
    void linuxMasqueradeProfileUsesItsFinTimerAsTheTransitoryOne() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13, PortRange.DEFAULT, TimerConfig.LINUX_MASQUERADE)
                .connected();
        h.switchReceives(P1, fromH1(TcpFlags.SYN));
        assertEquals(120, binding(h).spec().idleTimeout());
        h.switchReceives(OUT, toPublic(TcpFlags.SYN | TcpFlags.ACK));
        assertEquals(900, binding(h).spec().idleTimeout());
        assertEquals(900, flow(h, fromH1(TcpFlags.ACK), P1).idleTimeout());
        h.switchReceives(P1, fromH1(TcpFlags.FIN | TcpFlags.ACK));
        assertEquals(120, binding(h).spec().idleTimeout());
        assertEquals("closing", binding(h).state().label());
    }

    @Test
    void aClosingBindingExpiresAndReleasesItsPortAsAnyOther() {
        EngineHarness h = established();
        h.switchReceives(P1, fromH1(TcpFlags.FIN | TcpFlags.ACK));
        h.now += 241_000;
        List<OFMessage> out = h.expire(cookie());
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(spec(240))), Xids.zeroed(out));
        assertEquals(0, h.engine.bindings().size());
        assertEquals(1, h.counter("nat.binding_expired"));
    }
}
