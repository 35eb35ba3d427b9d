package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.FtpAlgFixture.ACK;
import static io.flowmasq.controller.nat.FtpAlgFixture.CLIENT;
import static io.flowmasq.controller.nat.FtpAlgFixture.CLIENT_ISN;
import static io.flowmasq.controller.nat.FtpAlgFixture.CLIENT_PORT;
import static io.flowmasq.controller.nat.FtpAlgFixture.CONTROL;
import static io.flowmasq.controller.nat.FtpAlgFixture.ESTABLISHED;
import static io.flowmasq.controller.nat.FtpAlgFixture.FIN;
import static io.flowmasq.controller.nat.FtpAlgFixture.GREETING;
import static io.flowmasq.controller.nat.FtpAlgFixture.PSH;
import static io.flowmasq.controller.nat.FtpAlgFixture.PUBLIC;
import static io.flowmasq.controller.nat.FtpAlgFixture.SERVER;
import static io.flowmasq.controller.nat.FtpAlgFixture.SERVER_ISN;
import static io.flowmasq.controller.nat.FtpAlgFixture.SYN;
import static io.flowmasq.controller.nat.FtpAlgFixture.SYN_OPTIONS;
import static io.flowmasq.controller.nat.FtpAlgFixture.SYN_OPTIONS_NO_SACK;
import static io.flowmasq.controller.nat.FtpAlgFixture.TRANSITORY;
import static io.flowmasq.controller.nat.FtpAlgFixture.assertMessages;
import static io.flowmasq.controller.nat.FtpAlgFixture.concat;
import static io.flowmasq.controller.nat.FtpAlgFixture.controlSpec;
import static io.flowmasq.controller.nat.FtpAlgFixture.data;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromServer;
import static io.flowmasq.controller.nat.FtpAlgFixture.toClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.toServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.TcpFrames;
import io.flowmasq.controller.config.Filtering;
import io.flowmasq.controller.nat.RecordingListener.Created;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** The FTP control connection in the engine: its binding and flows, the handshake, TCP state, TTL. */
class FtpAlgControlTest {
    private static TcpFrames.Spec clientSyn() {
        return fromClient(CLIENT_ISN, 0, SYN, "").tcpOptions(SYN_OPTIONS);
    }

    private static TcpFrames.Spec serverSynAck() {
        return fromServer(SERVER_ISN, CLIENT_ISN + 1, SYN | ACK, "").tcpOptions(SYN_OPTIONS);
    }

    static Stream<Arguments> versionsAndFilterings() {
        return Stream.of(OFVersion.OF_10, OFVersion.OF_13).flatMap(v -> Arrays.stream(Filtering.values())
                .map(f -> Arguments.of(v, f)));
    }

    @ParameterizedTest
    @MethodSource("versionsAndFilterings")
    void aClientSynToPort21GetsTheAlgFlowsAndGoesOutRewritten(OFVersion v, Filtering filtering) {
        FtpAlgFixture f = new FtpAlgFixture(v, FtpAlgFixture.config(filtering));
        List<OFMessage> out = f.client(clientSyn());

        // tied to exactly server:21 whatever the filtering; the transitory timer (the controller follows the state)
        BindingSpec spec = controlSpec(TRANSITORY);
        TcpFrames.Spec sent = toServer(CLIENT_ISN, 0, SYN, "").tcpOptions(SYN_OPTIONS_NO_SACK);
        assertMessages(concat(f.c.installAlgBinding(spec), f.sentOut(sent)), out);

        // what the switch now holds: two flows with the binding's cookie, both to the controller
        List<FlowTableSimulator.Entry> flows = f.flows(CONTROL);
        assertEquals(2, flows.size(), flows::toString);
        for (FlowTableSimulator.Entry e : flows) {
            assertEquals(List.of(f.h.factory.actions().output(OFPort.CONTROLLER, FlowCompiler.CONTROLLER_MAX_LEN)),
                    e.actions(), "every segment goes up, untouched: " + e);
            boolean inbound = OUT.equals(e.match().get(MatchField.IN_PORT));
            assertEquals(inbound ? 0 : TRANSITORY, e.idleTimeout(), e::toString);
            assertEquals(IPv4Address.of(SERVER), e.match().get(inbound ? MatchField.IPV4_SRC : MatchField.IPV4_DST));
            assertEquals(FtpAlgFixture.FTP, (inbound ? e.match().get(MatchField.TCP_SRC)
                    : e.match().get(MatchField.TCP_DST)).getPort());
        }

        // the SYN itself, read with the test's own parser and checksum routine
        byte[] frame = data(out.get(2));
        assertEquals(IPv4Address.of(PUBLIC), TcpFrames.src(frame));
        assertEquals(CLIENT_PORT, TcpFrames.sport(frame));
        assertEquals(IPv4Address.of(SERVER), TcpFrames.dst(frame));
        assertEquals(63, TcpFrames.ttl(frame));
        assertEquals(CLIENT_ISN, TcpFrames.seq(frame));
        assertArrayEquals(SYN_OPTIONS_NO_SACK, TcpFrames.tcpOptions(frame), "SACK-permitted stripped");
        assertTrue(TcpFrames.ipChecksumValid(frame), "IPv4 checksum");
        assertTrue(TcpFrames.tcpChecksumValid(frame), "TCP checksum");

        Binding b = f.binding(CONTROL);
        assertEquals(spec, b.spec());
        assertEquals(new RemoteFilter(IPv4Address.of(SERVER), 21), b.spec().remote());
        assertEquals(BindingState.TRANSITORY, b.state());
        assertEquals(1, f.h.engine.bindings().size());
        assertEquals(1, f.h.counter("alg.ftp.control_opened"));
        assertEquals(1, f.h.counter("nat.binding_created"));
        assertEquals(List.of(), f.h.engine.algChildren(f.h.now).getOrDefault(CONTROL, List.of()));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theListenerHearsOfTheControlBindingOnce(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v);
        f.client(clientSyn());
        List<Object> calls = f.listener.take();
        assertEquals(1, calls.size(), calls::toString);
        Created created = (Created) calls.get(0);
        // what the binding log records of it (its timer is the ALG's business)
        assertEquals(controlSpec(TRANSITORY).withIdleTimeout(created.binding().spec().idleTimeout()),
                created.binding().spec());
        assertEquals(f.h.now, created.now());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void withNoFtpPortsTheSynGetsAnOrdinaryBinding(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v, FtpAlgFixture.config(Filtering.ENDPOINT_INDEPENDENT)
                .withFtpPorts(Set.of()));
        byte[] syn = clientSyn().frame();
        List<OFMessage> out = f.client(clientSyn());

        BindingSpec spec = ordinary(v == OFVersion.OF_13 ? TRANSITORY : ESTABLISHED);
        assertMessages(concat(f.c.installBinding(spec, v == OFVersion.OF_13 ? HandshakeReport.INBOUND : HandshakeReport.NONE),
                f.c.forwardOutbound(spec, PacketRef.unbuffered(P1, syn))), out);
        assertEquals(spec, f.binding(CONTROL).spec());
        assertEquals(0, f.h.counter("alg.ftp.control_opened"));

        // the server's answer is switched by the flows: on OF1.3 the copy is the TCP-state report
        EngineHarness.Switched s = f.h.switchReceives(OUT, serverSynAck().frame());
        assertEquals(1, s.result().only().port());
        if (v == OFVersion.OF_13) {
            List<OFMessage> want = new ArrayList<>();
            want.add(f.c.reinstallOutbound(ordinary(ESTABLISHED)));
            want.addAll(f.c.removeHandshake(ordinary(ESTABLISHED), HandshakeReport.INBOUND));
            assertMessages(want, s.messages());
        } else {
            assertEquals(List.of(), s.messages());
        }
    }

    private static BindingSpec ordinary(int idle) {
        return new BindingSpec(CONTROL, Protocol.TCP, Endpoint.of(CLIENT, CLIENT_PORT), Endpoint.of(PUBLIC, CLIENT_PORT),
                new L2Hop(P1, EngineHarness.GW_IN, H1), new L2Hop(OUT, EngineHarness.GW_OUT, EngineHarness.ROUTER),
                idle);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void otherFtpPortsAreWatchedInsteadOf21(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v, FtpAlgFixture.config(Filtering.ENDPOINT_INDEPENDENT)
                .withFtpPorts(Set.of(2121)));
        f.client(clientSyn());
        assertEquals(null, f.binding(CONTROL).spec().remote(), "port 21 is not watched: an ordinary binding");

        byte[] syn2121 = new TcpFrames.Spec(H1, EngineHarness.GW_IN, CLIENT, 40001, SERVER, 2121, 64, new byte[0],
                CLIENT_ISN, 0, SYN, new byte[0], new byte[0]).frame();
        List<OFMessage> out = f.h.switchReceives(P1, syn2121).messages();
        BindingSpec spec = new BindingSpec(2, Protocol.TCP, Endpoint.of(CLIENT, 40001), Endpoint.of(PUBLIC, 40001),
                new L2Hop(P1, EngineHarness.GW_IN, H1), new L2Hop(OUT, EngineHarness.GW_OUT, EngineHarness.ROUTER),
                TRANSITORY, new RemoteFilter(IPv4Address.of(SERVER), 2121));
        assertMessages(f.c.installAlgBinding(spec), out.subList(0, 2));
        assertEquals(1, f.h.counter("alg.ftp.control_opened"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theServersSynAckEstablishesTheControlBinding(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v);
        f.client(clientSyn());

        EngineHarness.Switched s = f.h.switchReceives(OUT, serverSynAck().frame());
        if (v == OFVersion.OF_13) {
            assertEquals(Cookies.binding(CONTROL).getValue(), s.result().cookie(), "sent up by the ALG flow");
        }
        TcpFrames.Spec sent = toClient(SERVER_ISN, CLIENT_ISN + 1, SYN | ACK, "").tcpOptions(SYN_OPTIONS_NO_SACK);
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(ESTABLISHED)), f.sentIn(sent)), s.messages(),
                "only the outbound ALG flow re-added, with the established timer; the SYN-ACK sent to the client");
        byte[] frame = data(s.messages().get(1));
        assertEquals(IPv4Address.of(CLIENT), TcpFrames.dst(frame));
        assertEquals(CLIENT_PORT, TcpFrames.dport(frame));
        assertEquals(H1, TcpFrames.ethDst(frame));
        assertTrue(TcpFrames.ipChecksumValid(frame) && TcpFrames.tcpChecksumValid(frame));

        Binding b = f.binding(CONTROL);
        assertEquals(BindingState.ESTABLISHED, b.state());
        assertEquals(controlSpec(ESTABLISHED), b.spec());
        assertEquals(0, f.h.counter("nat.tcp.established"), "not the TCP tracker's report");
        assertEquals(0, f.h.counter("nat.tcp.late_report"));
        f.flows(CONTROL).forEach(e -> assertEquals(
                List.of(f.h.factory.actions().output(OFPort.CONTROLLER, FlowCompiler.CONTROLLER_MAX_LEN)),
                e.actions(), "still the ALG's flows: " + e));

        // the client's ACK goes out with nothing re-added; a retransmitted SYN-ACK re-adds nothing either
        List<OFMessage> ack = f.client(fromClient(CLIENT_ISN + 1, SERVER_ISN + 1, ACK, ""));
        assertMessages(List.of(f.sentOut(toServer(CLIENT_ISN + 1, SERVER_ISN + 1, ACK, ""))), ack);
        assertMessages(List.of(f.sentIn(sent)), f.server(serverSynAck()));
    }

    @Test
    void onOf13TheSynAckIsAnActionPacketInWithTheBindingsCookieButNoTcpStateReport() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13);
        f.client(clientSyn());
        OFPacketIn in = f.h.buildPacketIn(OUT, serverSynAck().frame(), OFBufferId.NO_BUFFER,
                Cookies.binding(CONTROL));
        assertEquals(OFPacketInReason.ACTION, in.getReason());
        assertEquals(CONTROL, f.c.bindingOf(in).getAsLong());

        List<OFMessage> out = f.h.engine.onPacketIn(in, f.h.now);
        TcpFrames.Spec sent = toClient(SERVER_ISN, CLIENT_ISN + 1, SYN | ACK, "").tcpOptions(SYN_OPTIONS_NO_SACK);
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(ESTABLISHED)), f.sentIn(sent)), out);
        for (OFMessage m : f.c.installBinding(controlSpec(ESTABLISHED))) {
            assertTrue(Xids.zeroed(out).stream().noneMatch(Xids.zeroed(List.of(m))::contains),
                    "no rewrite flow of an ordinary binding: " + m);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void segmentsWithoutCommandsGoThroughTranslatedOnly(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        long c = CLIENT_ISN + 1;
        long s = SERVER_ISN + 1;
        assertMessages(List.of(f.sentIn(toClient(s, c, ACK | PSH, GREETING))),
                f.server(fromServer(s, c, ACK | PSH, GREETING)));
        s += GREETING.length();
        assertMessages(List.of(f.sentOut(toServer(c, s, ACK | PSH, "USER anonymous\r\n"))),
                f.client(fromClient(c, s, ACK | PSH, "USER anonymous\r\n")));
        assertEquals(1, f.h.engine.bindings().size());
        assertEquals(BindingState.ESTABLISHED, f.binding(CONTROL).state());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aFinFromEitherSideMovesTheControlBindingToClosingOnce(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        long c = CLIENT_ISN + 1;
        long s = SERVER_ISN + 1;
        List<OFMessage> out = f.client(fromClient(c, s, FIN | ACK, ""));
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(TRANSITORY)),
                f.sentOut(toServer(c, s, FIN | ACK, ""))), out);
        assertEquals(BindingState.CLOSING, f.binding(CONTROL).state());
        assertEquals(0, f.h.counter("nat.tcp.fin_rst"), "not the TCP tracker's");

        out = f.server(fromServer(s, c + 1, FIN | ACK, ""));
        assertMessages(List.of(f.sentIn(toClient(s, c + 1, FIN | ACK, ""))), out, "already closing");
        assertEquals(controlSpec(TRANSITORY), f.binding(CONTROL).spec());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aNewConnectionFromTheSamePortAfterTheOldOneClosedIsFollowedFromItsOwnSyn(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        long c = CLIENT_ISN + 1;
        long s = SERVER_ISN + 1;
        // the old connection rewrote a PORT (+2) and closed
        String port = FtpAlgFixture.port(CLIENT, 40001);
        f.client(fromClient(c, s, ACK | PSH, port));
        c += port.length();
        f.client(fromClient(c, s, FIN | ACK, ""));
        f.server(fromServer(s, c + 3, FIN | ACK, ""));
        f.client(fromClient(c + 1, s + 1, ACK, ""));
        assertEquals(BindingState.CLOSING, f.binding(CONTROL).state());
        f.h.now += 30_000;

        // the client connects again from the same port (the binding still lives, on its closing timer)
        long isn = 5_000_000;
        long serverIsn = 8_000_000;
        List<OFMessage> out = f.client(fromClient(isn, 0, SYN, "").tcpOptions(SYN_OPTIONS));
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(TRANSITORY)),
                f.sentOut(toServer(isn, 0, SYN, "").tcpOptions(SYN_OPTIONS_NO_SACK))), out,
                "a new connection: its own sequence numbers, nothing of the old one's shift");
        assertEquals(BindingState.TRANSITORY, f.binding(CONTROL).state());
        out = f.server(fromServer(serverIsn, isn + 1, SYN | ACK, "").tcpOptions(SYN_OPTIONS));
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(ESTABLISHED)),
                f.sentIn(toClient(serverIsn, isn + 1, SYN | ACK, "").tcpOptions(SYN_OPTIONS_NO_SACK))), out);
        assertMessages(List.of(f.sentIn(toClient(serverIsn + 1, isn + 1, ACK | PSH, GREETING))),
                f.server(fromServer(serverIsn + 1, isn + 1, ACK | PSH, GREETING)));
        long c2 = isn + 1;
        long s2 = serverIsn + 1 + GREETING.length();
        assertMessages(List.of(f.sentOut(toServer(c2, s2, ACK | PSH, "USER anonymous\r\n"))),
                f.client(fromClient(c2, s2, ACK | PSH, "USER anonymous\r\n")), "its commands go through");
        c2 += "USER anonymous\r\n".length();
        List<OFMessage> portOut = f.client(fromClient(c2, s2, ACK | PSH, FtpAlgFixture.port(CLIENT, 40002)));
        assertEquals("PORT 203,0,113,1,156,66\r\n", TcpFrames.payloadText(data(portOut.get(portOut.size() - 1))));
        assertEquals(c2, TcpFrames.seq(data(portOut.get(portOut.size() - 1))));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aServerSegmentWithTtl1IsDroppedAndCounted(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        long c = CLIENT_ISN + 1;
        long s = SERVER_ISN + 1;
        TcpFrames.Spec greeting = fromServer(s, c, ACK | PSH, GREETING);
        assertEquals(List.of(), f.server(greeting.ttl(1)));
        assertEquals(1, f.h.counter("alg.ftp.ttl_expired"));

        // nothing of it was taken in: the same bytes with a usable TTL go through as new
        assertMessages(List.of(f.sentIn(toClient(s, c, ACK | PSH, GREETING))), f.server(greeting));
        assertMessages(List.of(f.sentIn(toClient(s, c, ACK | PSH, GREETING).ttl(1))), f.server(greeting.ttl(2)));
        assertEquals(1, f.h.counter("alg.ftp.ttl_expired"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aClientSegmentWithTtl1IsAnsweredWithTimeExceededAndNotForwarded(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        List<OFMessage> out = f.client(fromClient(CLIENT_ISN + 1, SERVER_ISN + 1, ACK | PSH, "NOOP\r\n").ttl(1));
        assertEquals(1, out.size(), out::toString);
        OFPacketOut icmp = (OFPacketOut) out.get(0);
        assertEquals(List.of(f.h.factory.actions().output(P1, 0)), icmp.getActions(), "back to the client");
        assertEquals(1, icmp.getData()[14 + 9], "ICMP");
        assertEquals(11, icmp.getData()[14 + 20], "time exceeded");
        // the command was not taken in: sent with a usable TTL it goes out as new
        assertMessages(List.of(f.sentOut(toServer(CLIENT_ISN + 1, SERVER_ISN + 1, ACK | PSH, "NOOP\r\n"))),
                f.client(fromClient(CLIENT_ISN + 1, SERVER_ISN + 1, ACK | PSH, "NOOP\r\n")));
    }

    @Test
    void aBufferedSegmentWithTtl1HasItsBufferReleasedOnOf10() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_10).established();
        byte[] frame = fromServer(SERVER_ISN + 1, CLIENT_ISN + 1, ACK | PSH, GREETING).ttl(1).frame();
        OFBufferId buffer = OFBufferId.of(9);
        List<OFMessage> out = f.h.engine.onPacketIn(f.h.buildPacketIn(OUT, frame, buffer), f.h.now);
        assertMessages(List.of(f.c.releaseBuffer(new PacketRef(OUT, buffer, frame))), out);
        assertEquals(1, f.h.counter("alg.ftp.ttl_expired"));
    }

    @Test
    void aBufferedSegmentIsSentAsRewrittenDataAndItsBufferReleasedOnOf10() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_10).established();
        byte[] frame = fromServer(SERVER_ISN + 1, CLIENT_ISN + 1, ACK | PSH, GREETING).frame();
        OFBufferId buffer = OFBufferId.of(10);
        List<OFMessage> out = f.h.engine.onPacketIn(f.h.buildPacketIn(OUT, frame, buffer), f.h.now);
        assertMessages(List.of(f.sentIn(toClient(SERVER_ISN + 1, CLIENT_ISN + 1, ACK | PSH, GREETING)),
                f.c.releaseBuffer(new PacketRef(OUT, buffer, frame))), out);
    }
}
