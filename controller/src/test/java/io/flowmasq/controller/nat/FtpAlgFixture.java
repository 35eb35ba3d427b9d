package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.TcpFrames;
import io.flowmasq.controller.config.Filtering;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * One FTP control connection through a {@link NatEngine} and its simulated switch, for the
 * {@code FtpAlg*Test} classes: client 10.0.0.11:40000 on port 1, server 198.51.100.20:21, public
 * address 203.0.113.1, RFC timers (established 7440 s, transitory 240 s). Frames are built and their
 * checksums computed by {@link TcpFrames}, apart from the production code, so comparing a packet-out
 * with one built here also checks the engine's checksums.
 */
final class FtpAlgFixture {
    static final String CLIENT = "10.0.0.11";
    static final int CLIENT_PORT = 40000;
    static final String SERVER = "198.51.100.20";
    static final int FTP = 21;
    static final String PUBLIC = "203.0.113.1";
    static final long CLIENT_ISN = 100_000;
    static final long SERVER_ISN = 900_000;
    /** The control connection's binding: the first one made. */
    static final long CONTROL = 1;
    static final int ESTABLISHED = TimerConfig.RFC.tcpEstablished();
    static final int TRANSITORY = TimerConfig.RFC.tcpTransitory();

    static final int SYN = TcpFrames.SYN;
    static final int ACK = TcpFrames.ACK;
    static final int PSH = TcpFrames.PSH;
    static final int FIN = TcpFrames.FIN;
    /** MSS 1460, SACK permitted, NOP, NOP: what Linux's SYN carries, shortened. */
    static final byte[] SYN_OPTIONS = TcpFrames.bytes(2, 4, 0x05, 0xb4, 4, 2, 1, 1);
    /** The same with SACK permitted turned into two NOPs. */
    static final byte[] SYN_OPTIONS_NO_SACK = TcpFrames.bytes(2, 4, 0x05, 0xb4, 1, 1, 1, 1);
    /** The server's greeting. */
    static final String GREETING = "220 (vsFTPd 3.0.3)\r\n";
    private static final byte[] NONE = new byte[0];

    final RecordingListener listener = new RecordingListener();
    final EngineHarness h;
    final FlowCompiler c;

    FtpAlgFixture(OFVersion version) {
        this(version, config(Filtering.ENDPOINT_INDEPENDENT));
    }

    FtpAlgFixture(OFVersion version, SwitchConfig config) {
        h = new EngineHarness(version, config, new BindingIds(), listener).connected();
        c = FlowCompiler.forFactory(h.factory);
    }

    /** The test switch with RFC timers, the default FTP port 21 and this filtering. */
    static SwitchConfig config(Filtering filtering) {
        return EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC).withFiltering(filtering);
    }

    boolean of13() {
        return c.supportsTcpFlags();
    }

    // ------------------------------------------------------------------ frames

    static TcpFrames.Spec fromClient(long seq, long ack, int flags, String payload) {
        return new TcpFrames.Spec(H1, GW_IN, CLIENT, CLIENT_PORT, SERVER, FTP, 64, NONE, seq, ack, flags, NONE,
                TcpFrames.ascii(payload));
    }

    /** What the engine sends the server for a client segment: public source, TTL one less. */
    static TcpFrames.Spec toServer(long seq, long ack, int flags, String payload) {
        return new TcpFrames.Spec(GW_OUT, ROUTER, PUBLIC, CLIENT_PORT, SERVER, FTP, 63, NONE, seq, ack, flags, NONE,
                TcpFrames.ascii(payload));
    }

    static TcpFrames.Spec fromServer(long seq, long ack, int flags, String payload) {
        return new TcpFrames.Spec(ROUTER, GW_OUT, SERVER, FTP, PUBLIC, CLIENT_PORT, 64, NONE, seq, ack, flags, NONE,
                TcpFrames.ascii(payload));
    }

    /** What the engine sends the client for a server segment: inside destination, TTL one less. */
    static TcpFrames.Spec toClient(long seq, long ack, int flags, String payload) {
        return new TcpFrames.Spec(GW_IN, H1, SERVER, FTP, CLIENT, CLIENT_PORT, 63, NONE, seq, ack, flags, NONE,
                TcpFrames.ascii(payload));
    }

    /** "PORT 10,0,0,11,p1,p2\r\n" for {@code address}:{@code port}. */
    static String port(String address, int port) {
        return "PORT " + address.replace('.', ',') + "," + (port >> 8) + "," + (port & 0xff) + "\r\n";
    }

    /** The packet-out that sends {@code frame} to the server (outside port). */
    OFMessage sentOut(TcpFrames.Spec frame) {
        return c.sendFrame(OUT, frame.frame());
    }

    /** The packet-out that sends {@code frame} to the client (its port). */
    OFMessage sentIn(TcpFrames.Spec frame) {
        return c.sendFrame(P1, frame.frame());
    }

    static byte[] data(OFMessage m) {
        return assertInstanceOf(OFPacketOut.class, m).getData();
    }

    static void assertMessages(List<? extends OFMessage> want, List<? extends OFMessage> got) {
        assertEquals(Xids.zeroed(want), Xids.zeroed(got));
    }

    static void assertMessages(List<? extends OFMessage> want, List<? extends OFMessage> got, String why) {
        assertEquals(Xids.zeroed(want), Xids.zeroed(got), why);
    }

    static List<OFMessage> concat(List<? extends OFMessage> a, OFMessage... more) {
        List<OFMessage> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    // ------------------------------------------------------------------ the switch

    /** A frame from the client reaches the switch, which must send it up (and nothing else). */
    List<OFMessage> client(TcpFrames.Spec frame) {
        EngineHarness.Switched s = h.switchReceives(P1, frame.frame());
        assertTrue(s.result().toController() && s.result().outputs().isEmpty(),
                "the switch only sends the client's control segment up: " + s.result());
        return s.messages();
    }

    /** A frame from the server reaches the switch, which must send it up (and nothing else). */
    List<OFMessage> server(TcpFrames.Spec frame) {
        EngineHarness.Switched s = h.switchReceives(OUT, frame.frame());
        assertTrue(s.result().toController() && s.result().outputs().isEmpty(),
                "the switch only sends the server's control segment up: " + s.result());
        return s.messages();
    }

    /** SYN (with SACK permitted), SYN-ACK, ACK: the control connection is established. */
    FtpAlgFixture established() {
        client(fromClient(CLIENT_ISN, 0, SYN, "").tcpOptions(SYN_OPTIONS));
        server(fromServer(SERVER_ISN, CLIENT_ISN + 1, SYN | ACK, "").tcpOptions(SYN_OPTIONS));
        client(fromClient(CLIENT_ISN + 1, SERVER_ISN + 1, ACK, ""));
        assertEquals(BindingState.ESTABLISHED, binding(CONTROL).state());
        listener.take();
        return this;
    }

    // ------------------------------------------------------------------ bindings and flows

    Binding binding(long id) {
        return h.engine.bindings().byId(id).orElseThrow(() -> new AssertionError("no binding " + id));
    }

    static BindingSpec controlSpec(int idle) {
        return new BindingSpec(CONTROL, Protocol.TCP, Endpoint.of(CLIENT, CLIENT_PORT), Endpoint.of(PUBLIC, CLIENT_PORT),
                new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), idle,
                new RemoteFilter(IPv4Address.of(SERVER), FTP));
    }

    /** An active-mode expectation: the client's data port (preserved), only the server's address admitted. */
    static BindingSpec expectationSpec(long id, int port) {
        return new BindingSpec(id, Protocol.TCP, Endpoint.of(CLIENT, port), Endpoint.of(PUBLIC, port),
                new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), FtpAlgTranslator.EXPECTATION_SECONDS,
                RemoteFilter.address(IPv4Address.of(SERVER)));
    }

    /** The binding's flows in the simulated switch. */
    List<FlowTableSimulator.Entry> flows(long id) {
        return h.table.entriesWithCookie(Cookies.binding(id).getValue());
    }

    /**
     * The switch expires the binding's outbound flow alone (idle timeout) and reports it; the engine's
     * answer is applied to the table.
     */
    List<OFMessage> outboundIdles(long id) {
        FlowTableSimulator.Entry outbound = flows(id).stream()
                .filter(e -> !OUT.equals(e.match().get(MatchField.IN_PORT))).findFirst()
                .orElseThrow(() -> new AssertionError("binding " + id + " has no outbound flow"));
        h.apply(List.of(h.factory.buildFlowDeleteStrict().setMatch(outbound.match())
                .setPriority(outbound.priority()).setOutPort(OFPort.ANY).build()));
        List<OFMessage> out = h.engine.onFlowRemoved(h.factory.buildFlowRemoved()
                .setCookie(U64.of(outbound.cookie())).setPriority(outbound.priority()).setMatch(outbound.match())
                .setReason(OFFlowRemovedReason.IDLE_TIMEOUT).setIdleTimeout(outbound.idleTimeout())
                .setPacketCount(U64.of(3)).setByteCount(U64.of(300)).build(), h.now);
        h.apply(out);
        return out;
    }
}
