package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static io.flowmasq.controller.nat.FtpAlgFixture.ACK;
import static io.flowmasq.controller.nat.FtpAlgFixture.CLIENT;
import static io.flowmasq.controller.nat.FtpAlgFixture.CLIENT_ISN;
import static io.flowmasq.controller.nat.FtpAlgFixture.CONTROL;
import static io.flowmasq.controller.nat.FtpAlgFixture.ESTABLISHED;
import static io.flowmasq.controller.nat.FtpAlgFixture.PSH;
import static io.flowmasq.controller.nat.FtpAlgFixture.PUBLIC;
import static io.flowmasq.controller.nat.FtpAlgFixture.SERVER;
import static io.flowmasq.controller.nat.FtpAlgFixture.SERVER_ISN;
import static io.flowmasq.controller.nat.FtpAlgFixture.SYN;
import static io.flowmasq.controller.nat.FtpAlgFixture.assertMessages;
import static io.flowmasq.controller.nat.FtpAlgFixture.concat;
import static io.flowmasq.controller.nat.FtpAlgFixture.data;
import static io.flowmasq.controller.nat.FtpAlgFixture.expectationSpec;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromServer;
import static io.flowmasq.controller.nat.FtpAlgFixture.port;
import static io.flowmasq.controller.nat.FtpAlgFixture.toClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.toServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.TcpFrames;
import io.flowmasq.controller.config.Filtering;
import io.flowmasq.controller.nat.BindingListener.RemovalReason;
import io.flowmasq.controller.nat.RecordingListener.Created;
import io.flowmasq.controller.nat.RecordingListener.Removed;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFBufferId;

/** Active mode through the engine: PORT/EPRT rewritten, expectations, sequence shifts, bounce, split commands. */
class FtpAlgActiveTest {
    private static final long C = CLIENT_ISN + 1;
    private static final long S = SERVER_ISN + 1;
    private static final String PORT_40001 = port(CLIENT, 40001);
    private static final String PUBLIC_40001 = "PORT 203,0,113,1,156,65\r\n";
    private static final String PORT_40002 = port(CLIENT, 40002);
    private static final String PUBLIC_40002 = "PORT 203,0,113,1,156,66\r\n";
    /** What each PORT rewrite adds: "203,0,113,1" for "10,0,0,11". */
    private static final int DIFF = 2;
    private static final String OK = "200 PORT command successful. Consider using PASV.\r\n";

    /** The server's SYN for the active data connection, from port 20 to the announced public endpoint. */
    private static byte[] dataSyn(int publicPort) {
        return new TcpFrames.Spec(ROUTER, GW_OUT, SERVER, 20, PUBLIC, publicPort, 64, new byte[0], 555_000, 0, SYN,
                new byte[0], new byte[0]).frame();
    }

    /** The client's answer to the server's data SYN: on OF1.3 the expectation's handshake flow reports it. */
    private static byte[] clientSynAck(int port) {
        return new TcpFrames.Spec(H1, GW_IN, CLIENT, port, SERVER, 20, 64, new byte[0], 1, 555_001, SYN | ACK,
                new byte[0], new byte[0]).frame();
    }

    private static AlgChild expectation(FtpAlgFixture f, long id, int port) {
        return new AlgChild("ftp-data-expectation", Endpoint.of(CLIENT, port), Endpoint.of(PUBLIC, port),
                SERVER + ":*", f.binding(id).createdAt() + FtpAlgTranslator.EXPECTATION_SECONDS * 1000L, id);
    }

    private static AlgChild dataChild(long id, int port) {
        return new AlgChild("ftp-data", Endpoint.of(CLIENT, port), Endpoint.of(PUBLIC, port), SERVER + ":*", -1, id);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPortCommandIsRewrittenAndItsExpectationInstalledFirst(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        List<OFMessage> out = f.client(fromClient(C, S, ACK | PSH, PORT_40001));

        BindingSpec exp = expectationSpec(2, 40001);
        assertMessages(concat(f.c.installBinding(exp, f.of13() ? HandshakeReport.OUTBOUND : HandshakeReport.NONE), f.sentOut(toServer(C, S, ACK | PSH, PUBLIC_40001))),
                out, "the expectation's flows (reporting the server's SYN on OF1.3), then the rewritten command");
        byte[] sent = data(out.get(out.size() - 1));
        assertEquals(PUBLIC_40001, TcpFrames.payloadText(sent));
        assertEquals(C, TcpFrames.seq(sent), "this segment's sequence number is unchanged");
        assertTrue(TcpFrames.ipChecksumValid(sent) && TcpFrames.tcpChecksumValid(sent));

        Binding e = f.binding(2);
        assertEquals(exp, e.spec());
        assertEquals(f.of13() ? BindingState.TRANSITORY : BindingState.ESTABLISHED, e.state());
        assertEquals(List.of(new Created(e, f.h.now)), f.listener.take());
        assertEquals(1, f.h.counter("alg.ftp.port_rewritten"));
        assertEquals(Map.of(CONTROL, List.of(expectation(f, 2, 40001))), f.h.engine.algChildren(f.h.now));
        assertEquals(f.h.now + 60_000, f.h.engine.algChildren(f.h.now).get(CONTROL).get(0).expiresAt());
    }

    @ParameterizedTest
    @EnumSource(Filtering.class)
    void theExpectationAdmitsTheServersAddressFromAnyPortWhateverTheFiltering(Filtering filtering) {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13, FtpAlgFixture.config(filtering)).established();
        List<OFMessage> out = f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        assertMessages(concat(f.c.installBinding(expectationSpec(2, 40001), HandshakeReport.OUTBOUND),
                f.sentOut(toServer(C, S, ACK | PSH, PUBLIC_40001))), out);
        assertEquals(1, f.h.switchReceives(OUT, dataSyn(40001)).result().only().port(), "vsftpd's port 20");
        assertTrue(f.h.table.process(EngineHarness.simPacket(OUT, new TcpFrames.Spec(ROUTER, GW_OUT,
                "198.51.100.21", 20, PUBLIC, 40001, 64, new byte[0], 1, 0, SYN, new byte[0], new byte[0]).frame()))
                .dropped(), "another address is not the control connection's server");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void laterSegmentsOfBothDirectionsAreShiftedByWhatTheRewriteAdded(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        long c = C + PORT_40001.length();

        // the server acknowledges the rewritten bytes; the client is told of its own
        List<OFMessage> out = f.server(fromServer(S, c + DIFF, ACK | PSH, OK));
        assertMessages(List.of(f.sentIn(toClient(S, c, ACK | PSH, OK))), out);
        long s = S + OK.length();

        out = f.client(fromClient(c, s, ACK | PSH, "RETR file.bin\r\n"));
        assertMessages(List.of(f.sentOut(toServer(c + DIFF, s, ACK | PSH, "RETR file.bin\r\n"))), out);
        c += "RETR file.bin\r\n".length();

        String opening = "150 Opening BINARY mode data connection for file.bin (1048576 bytes).\r\n";
        out = f.server(fromServer(s, c + DIFF, ACK | PSH, opening));
        assertMessages(List.of(f.sentIn(toClient(s, c, ACK | PSH, opening))), out);
        s += opening.length();

        out = f.client(fromClient(c, s, ACK, ""));
        assertMessages(List.of(f.sentOut(toServer(c + DIFF, s, ACK, ""))), out, "a bare ACK is shifted too");
        assertEquals(2, f.h.engine.bindings().size(), "no more expectations");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theServersDataConnectionUsesTheExpectation(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        f.listener.take();
        f.h.now += 300;

        EngineHarness.Switched s = f.h.switchReceives(OUT, dataSyn(40001));
        SimResult.Output delivered = s.result().only();
        assertEquals(1, delivered.port(), "the switch forwards the server's SYN itself");
        assertEquals(CLIENT, delivered.packet().ipv4Dst().toString());
        assertEquals(40001, delivered.packet().l4Dst());
        assertEquals(H1, delivered.packet().ethDst());
        assertFalse(s.result().toController(), "the server's SYN is not the answer");
        assertEquals(List.of(), s.messages());
        // the client's answer leaves through the expectation's outbound flow (its handshake flow on OF1.3)
        EngineHarness.Switched answer = f.h.switchReceives(P1, clientSynAck(40001));
        SimResult back = answer.result();
        assertEquals(3, back.only().port());
        assertEquals(PUBLIC, back.only().packet().ipv4Src().toString());
        assertEquals(40001, back.only().packet().l4Src());

        if (f.of13()) {
            assertTrue(back.toController());
            assertEquals(Cookies.binding(2).getValue(), back.cookie());
            List<OFMessage> want = new ArrayList<>();
            want.add(f.c.reinstallOutbound(expectationSpec(2, 40001).withIdleTimeout(ESTABLISHED)));
            want.addAll(f.c.removeHandshake(expectationSpec(2, 40001), HandshakeReport.OUTBOUND));
            assertMessages(want, answer.messages(),
                    "the TCP tracker's report: outbound re-added with the established timer, the handshake flow deleted");
            assertEquals(BindingState.ESTABLISHED, f.binding(2).state());
            assertEquals(1, f.h.counter("nat.tcp.established"));
            assertEquals(Map.of(CONTROL, List.of(dataChild(2, 40001))), f.h.engine.algChildren(f.h.now));
        } else {
            assertFalse(back.toController(), "OF1.0 cannot report it");
            assertEquals(List.of(), answer.messages());
            assertEquals(Map.of(CONTROL, List.of(expectation(f, 2, 40001))), f.h.engine.algChildren(f.h.now),
                    "on OF1.0 it stays an expectation, with its 60 s timer");
        }
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anEprtCommandIsRewrittenTheSameWay(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        List<OFMessage> out = f.client(fromClient(C, S, ACK | PSH, "EPRT |1|10.0.0.11|40001|\r\n"));
        assertMessages(concat(f.c.installBinding(expectationSpec(2, 40001), f.of13() ? HandshakeReport.OUTBOUND : HandshakeReport.NONE),
                f.sentOut(toServer(C, S, ACK | PSH, "EPRT |1|203.0.113.1|40001|\r\n"))), out);
        long c = C + "EPRT |1|10.0.0.11|40001|\r\n".length();
        assertMessages(List.of(f.sentOut(toServer(c + DIFF, S, ACK | PSH, "LIST\r\n"))),
                f.client(fromClient(c, S, ACK | PSH, "LIST\r\n")));
    }

    @Test
    void aBufferedPortSegmentGoesOutAsDataAndItsBufferIsReleasedOnOf10() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_10).established();
        byte[] frame = fromClient(C, S, ACK | PSH, PORT_40001).frame();
        OFBufferId buffer = OFBufferId.of(77);
        List<OFMessage> out = f.h.engine.onPacketIn(f.h.buildPacketIn(P1, frame, buffer), f.h.now);
        List<OFMessage> want = concat(f.c.installBinding(expectationSpec(2, 40001)),
                f.sentOut(toServer(C, S, ACK | PSH, PUBLIC_40001)), f.c.releaseBuffer(new PacketRef(P1, buffer, frame)));
        assertMessages(want, out);
    }

    // ------------------------------------------------------------------ protections

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPortNamingAnotherInsideHostIsLeftAloneAndGetsNoExpectation(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        String bounce = port("10.0.0.12", 40001);
        List<OFMessage> out = f.client(fromClient(C, S, ACK | PSH, bounce));
        assertMessages(List.of(f.sentOut(toServer(C, S, ACK | PSH, bounce))), out);
        String eprt = "EPRT |1|10.0.0.12|40001|\r\n";
        long c = C + bounce.length();
        out = f.client(fromClient(c, S, ACK | PSH, eprt));
        assertMessages(List.of(f.sentOut(toServer(c, S, ACK | PSH, eprt))), out, "not shifted: nothing changed");

        assertEquals(2, f.h.counter("alg.ftp.bounce_refused"));
        assertEquals(0, f.h.counter("alg.ftp.port_rewritten"));
        assertEquals(1, f.h.engine.bindings().size());
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));
        assertEquals(List.of(), f.listener.take());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void portTextInsideAnotherCommandIsNoCommand(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        String slipstream = "CWD PORT 10,0,0,11,1,2\r\n";
        assertMessages(List.of(f.sentOut(toServer(C, S, ACK | PSH, slipstream))),
                f.client(fromClient(C, S, ACK | PSH, slipstream)));
        // also when the PORT text starts a segment of its own in the middle of a line
        long c = C + slipstream.length();
        assertMessages(List.of(f.sentOut(toServer(c, S, ACK | PSH, "MKD "))), f.client(fromClient(c, S, ACK | PSH,
                "MKD ")));
        c += 4;
        String rest = "PORT 10,0,0,11,1,2\r\n";
        assertMessages(List.of(f.sentOut(toServer(c, S, ACK | PSH, rest))), f.client(fromClient(c, S, ACK | PSH, rest)));

        assertEquals(0, f.h.counter("alg.ftp.port_rewritten"));
        assertEquals(0, f.h.counter("alg.ftp.bounce_refused"));
        assertEquals(1, f.h.engine.bindings().size());
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));
    }

    // ------------------------------------------------------------------ one expectation at a time

    @Test
    void aSecondPortWithdrawsAnUnusedExpectationOnOf13() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13).established();
        f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        Binding first = f.binding(2);
        f.listener.take();
        long c = C + PORT_40001.length();
        f.h.now += 1_000;

        List<OFMessage> out = f.client(fromClient(c, S, ACK | PSH, PORT_40002));
        List<OFMessage> want = concat(f.c.removeBinding(first.spec()));
        want.addAll(f.c.installBinding(expectationSpec(3, 40002), HandshakeReport.OUTBOUND));
        want.add(f.sentOut(toServer(c + DIFF, S, ACK | PSH, PUBLIC_40002)));
        assertMessages(want, out);
        f.h.apply(out);
        assertTrue(f.flows(2).isEmpty());
        assertTrue(f.h.engine.bindings().byId(2).isEmpty());
        assertEquals(List.of(new Removed(first, RemovalReason.OTHER, null, f.h.now),
                new Created(f.binding(3), f.h.now)), f.listener.take());
        assertEquals(1, f.h.counter("alg.ftp.expectation_withdrawn"));
        assertEquals(Map.of(CONTROL, List.of(expectation(f, 3, 40002))), f.h.engine.algChildren(f.h.now));
        // the next segment carries both rewrites' shift
        c += PORT_40002.length();
        assertMessages(List.of(f.sentOut(toServer(c + 2 * DIFF, S, ACK | PSH, "LIST\r\n"))),
                f.client(fromClient(c, S, ACK | PSH, "LIST\r\n")));

        // the withdrawn expectation's port went back to the pool: once settled, 40001 is preserved again for the same client endpoint
        f.h.now += NaptAllocator.SETTLE_MS;
        f.h.routerAnswersArp();
        f.h.switchReceives(P1, new TcpFrames.Spec(H1, GW_IN, CLIENT, 40001, "198.51.100.99", 80, 64, new byte[0], 1, 0,
                SYN, new byte[0], new byte[0]).frame());
        assertEquals(40001, f.h.engine.bindings().byInside(Protocol.TCP, Endpoint.of(CLIENT, 40001)).orElseThrow()
                .external().port());
    }

    @Test
    void aSecondPortLeavesTheFirstExpectationToLapseOnOf10() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_10).established();
        f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        Binding first = f.binding(2);
        long c = C + PORT_40001.length();
        List<OFMessage> out = f.client(fromClient(c, S, ACK | PSH, PORT_40002));
        assertMessages(concat(f.c.installBinding(expectationSpec(3, 40002)),
                f.sentOut(toServer(c + DIFF, S, ACK | PSH, PUBLIC_40002))), out,
                "the switch cannot say whether the first was used: left alone");
        assertEquals(first, f.binding(2));
        assertEquals(0, f.h.counter("alg.ftp.expectation_withdrawn"));
        List<AlgChild> children = f.h.engine.algChildren(f.h.now).get(CONTROL);
        assertEquals(List.of(2L, 3L), children.stream().map(AlgChild::bindingId).toList());
        assertEquals(expectation(f, 3, 40002), children.get(1));
    }

    @Test
    void aSecondPortLeavesAUsedExpectationAloneOnOf13() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13).established();
        f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        f.h.switchReceives(OUT, dataSyn(40001));
        f.h.switchReceives(P1, clientSynAck(40001));
        assertEquals(BindingState.ESTABLISHED, f.binding(2).state());
        long c = C + PORT_40001.length();

        List<OFMessage> out = f.client(fromClient(c, S, ACK | PSH, PORT_40002));
        assertMessages(concat(f.c.installBinding(expectationSpec(3, 40002), HandshakeReport.OUTBOUND),
                f.sentOut(toServer(c + DIFF, S, ACK | PSH, PUBLIC_40002))), out);
        assertEquals(2, f.flows(2).size(), "the data connection goes on");
        assertEquals(0, f.h.counter("alg.ftp.expectation_withdrawn"));
        assertEquals(Map.of(CONTROL, List.of(dataChild(2, 40001), expectation(f, 3, 40002))),
                f.h.engine.algChildren(f.h.now));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aRetransmittedPortGoesOutAsTheFirstTimeWithNoNewExpectation(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        List<OFMessage> first = f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        f.listener.take();
        f.h.now += 200;

        List<OFMessage> again = f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        assertMessages(List.of(first.get(first.size() - 1)), again, "the same rewrite, nothing installed");
        assertEquals(2, f.h.engine.bindings().size());
        assertEquals(1, f.h.counter("alg.ftp.port_rewritten"));
        assertEquals(List.of(), f.listener.take());
        long c = C + PORT_40001.length();
        assertMessages(List.of(f.sentOut(toServer(c + DIFF, S, ACK | PSH, "LIST\r\n"))),
                f.client(fromClient(c, S, ACK | PSH, "LIST\r\n")), "shifted once, not twice");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void thesamePortSentAgainAsANewCommandReusesTheExpectation(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        f.client(fromClient(C, S, ACK | PSH, PORT_40001));
        f.listener.take();
        long c = C + PORT_40001.length();

        List<OFMessage> out = f.client(fromClient(c, S, ACK | PSH, PORT_40001));
        assertMessages(List.of(f.sentOut(toServer(c + DIFF, S, ACK | PSH, PUBLIC_40001))), out);
        assertEquals(1, f.h.counter("alg.ftp.expectation_reused"));
        assertEquals(2, f.h.engine.bindings().size());
        assertEquals(List.of(), f.listener.take());
        assertEquals(Map.of(CONTROL, List.of(expectation(f, 2, 40001))), f.h.engine.algChildren(f.h.now));
    }

    // ------------------------------------------------------------------ split commands

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPortSplitAcrossTwoSegmentsIsHeldThenSentMergedAndRewritten(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        assertEquals(List.of(), f.client(fromClient(C, S, ACK | PSH, "PO")), "held: it may become a PORT");
        assertEquals(1, f.h.counter("alg.ftp.segment_held"));
        assertEquals(1, f.h.engine.bindings().size());

        f.h.now += 40;
        String rest = PORT_40001.substring(2);
        List<OFMessage> out = f.client(fromClient(C + 2, S, ACK | PSH, rest));
        assertMessages(concat(f.c.installBinding(expectationSpec(2, 40001), f.of13() ? HandshakeReport.OUTBOUND : HandshakeReport.NONE),
                f.sentOut(toServer(C, S, ACK | PSH, PUBLIC_40001))), out, "one segment from the held bytes' start");
        long c = C + PORT_40001.length();
        assertMessages(List.of(f.sentOut(toServer(c + DIFF, S, ACK | PSH, "LIST\r\n"))),
                f.client(fromClient(c, S, ACK | PSH, "LIST\r\n")));
        // and the server's acknowledgement of the merged segment maps back to the client's numbering
        assertMessages(List.of(f.sentIn(toClient(S, c, ACK | PSH, OK))),
                f.server(fromServer(S, c + DIFF, ACK | PSH, OK)));
        assertEquals(List.of(), f.h.engine.onTick(f.h.now + 1_000), "nothing left held");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aLoneHeldPrefixIsSentUnchangedAfterTheHoldTime(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        long t0 = f.h.now;
        assertEquals(List.of(), f.client(fromClient(C, S, ACK | PSH, "PO")));

        f.h.now = t0 + 499;
        assertEquals(List.of(), f.h.engine.onTick(f.h.now));
        f.h.now = t0 + 500;
        List<OFMessage> out = f.h.engine.onTick(f.h.now);
        assertMessages(List.of(f.sentOut(toServer(C, S, ACK | PSH, "PO"))), out);
        assertEquals(1, f.h.counter("alg.ftp.held_released"));
        assertEquals(List.of(), f.h.engine.onTick(f.h.now + 1_000), "released once");

        // the rest of the line, when it comes, is the middle of a line: sent as it is, no expectation
        String rest = PORT_40001.substring(2);
        assertMessages(List.of(f.sentOut(toServer(C + 2, S, ACK | PSH, rest))),
                f.client(fromClient(C + 2, S, ACK | PSH, rest)));
        assertEquals(1, f.h.engine.bindings().size());
    }
}
