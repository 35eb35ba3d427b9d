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
import static io.flowmasq.controller.nat.FtpAlgFixture.CLIENT_PORT;
import static io.flowmasq.controller.nat.FtpAlgFixture.CONTROL;
import static io.flowmasq.controller.nat.FtpAlgFixture.ESTABLISHED;
import static io.flowmasq.controller.nat.FtpAlgFixture.PSH;
import static io.flowmasq.controller.nat.FtpAlgFixture.PUBLIC;
import static io.flowmasq.controller.nat.FtpAlgFixture.SERVER;
import static io.flowmasq.controller.nat.FtpAlgFixture.SERVER_ISN;
import static io.flowmasq.controller.nat.FtpAlgFixture.SYN;
import static io.flowmasq.controller.nat.FtpAlgFixture.SYN_OPTIONS;
import static io.flowmasq.controller.nat.FtpAlgFixture.TRANSITORY;
import static io.flowmasq.controller.nat.FtpAlgFixture.assertMessages;
import static io.flowmasq.controller.nat.FtpAlgFixture.concat;
import static io.flowmasq.controller.nat.FtpAlgFixture.controlSpec;
import static io.flowmasq.controller.nat.FtpAlgFixture.expectationSpec;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromServer;
import static io.flowmasq.controller.nat.FtpAlgFixture.port;
import static io.flowmasq.controller.nat.FtpAlgFixture.toServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.TcpFrames;
import io.flowmasq.controller.nat.BindingListener.FlowCounts;
import io.flowmasq.controller.nat.BindingListener.RemovalReason;
import io.flowmasq.controller.nat.RecordingListener.Removed;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFBufferId;

/** How long a control binding lives: kept while its data connections do, released with its ALG session. */
class FtpAlgLifecycleTest {
    private static final long C = CLIENT_ISN + 1;
    private static final long S = SERVER_ISN + 1;
    private static final long IDLE_MS = ESTABLISHED * 1000L;

    /**
     * PORT for 40001 (binding 2); on OF1.3 {@code used}: the server connects, the client answers and the switch
     * reports the answer.
     */
    private static Binding activeChild(FtpAlgFixture f, boolean used) {
        f.client(fromClient(C, S, ACK | PSH, port(CLIENT, 40001)));
        if (used) {
            f.h.switchReceives(OUT, new TcpFrames.Spec(ROUTER, GW_OUT, SERVER, 20, PUBLIC, 40001, 64, new byte[0],
                    555_000, 0, SYN, new byte[0], new byte[0]).frame());
            f.h.switchReceives(P1, new TcpFrames.Spec(H1, GW_IN, CLIENT, 40001, SERVER, 20, 64, new byte[0],
                    1, 555_001, SYN | ACK, new byte[0], new byte[0]).frame());
        }
        f.listener.take();
        return f.binding(2);
    }

    /** PASV, 227 for port 50000, the client's SYN: a passive data binding (2). */
    private static Binding passiveChild(FtpAlgFixture f) {
        f.client(fromClient(C, S, ACK | PSH, "PASV\r\n"));
        f.server(fromServer(S, C + 6, ACK | PSH, "227 Entering Passive Mode (198,51,100,20,195,80).\r\n"));
        f.h.switchReceives(P1, new TcpFrames.Spec(H1, GW_IN, CLIENT, 40002, SERVER, 50000, 64, new byte[0], 1, 0, SYN,
                new byte[0], new byte[0]).frame());
        f.listener.take();
        return f.binding(2);
    }

    /** After the settle time of its port, a new control connection from the same client endpoint. */
    private static List<OFMessage> reconnect(FtpAlgFixture f) {
        f.h.now += NaptAllocator.SETTLE_MS;
        f.h.routerAnswersArp();
        return f.client(fromClient(CLIENT_ISN + 50_000, 0, SYN, "").tcpOptions(SYN_OPTIONS));
    }

    // ------------------------------------------------------------------ keep-alive

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anIdleControlFlowIsReAddedWhileAnActiveDataConnectionLives(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        Binding child = activeChild(f, true);
        Binding control = f.binding(CONTROL);
        f.h.now += IDLE_MS;

        List<OFMessage> out = f.outboundIdles(CONTROL);
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(ESTABLISHED))), out,
                "only the outbound ALG flow, with its timer");
        assertEquals(control, f.binding(CONTROL), "kept as it was");
        assertEquals(2, f.flows(CONTROL).size());
        assertEquals(child, f.binding(child.id()));
        assertEquals(1, f.h.counter("alg.ftp.control_kept_alive"));
        assertEquals(0, f.h.counter("nat.binding_expired"));
        assertEquals(List.of(), f.listener.take());
        assertEquals(List.of(child.id()), f.h.engine.algChildren(f.h.now).get(CONTROL).stream()
                .map(AlgChild::bindingId).toList());

        // and the control connection still works: its segments come up and go out
        assertMessages(List.of(f.sentOut(toServer(C + port(CLIENT, 40001).length() + 2, S, ACK, ""))),
                f.client(fromClient(C + port(CLIENT, 40001).length(), S, ACK, "")));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anIdleControlFlowIsReAddedWhileAPassiveDataConnectionLives(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        passiveChild(f);
        f.h.now += IDLE_MS;
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(ESTABLISHED))), f.outboundIdles(CONTROL));
        assertEquals(1, f.h.counter("alg.ftp.control_kept_alive"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void withoutDataConnectionsAnIdleControlBindingIsReleasedLikeAnyOther(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        Binding control = f.binding(CONTROL);
        f.h.now += IDLE_MS;

        List<OFMessage> out = f.outboundIdles(CONTROL);
        assertMessages(f.c.removeBinding(controlSpec(ESTABLISHED)), out, "both flows deleted");
        assertTrue(f.flows(CONTROL).isEmpty());
        assertTrue(f.h.engine.bindings().byId(CONTROL).isEmpty());
        assertEquals(List.of(new Removed(control, RemovalReason.IDLE_TIMEOUT, new FlowCounts(true, 3, 300), f.h.now)),
                f.listener.take());
        assertEquals(1, f.h.counter("nat.binding_expired"));
        assertEquals(1, f.h.counter("alg.ftp.control_closed"));
        assertEquals(0, f.h.counter("alg.ftp.control_kept_alive"));
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));

        // the ALG forgot it and the public port went back: the same client endpoint opens a new one on it
        List<OFMessage> again = reconnect(f);
        BindingSpec fresh = new BindingSpec(2, Protocol.TCP, Endpoint.of(CLIENT, CLIENT_PORT),
                Endpoint.of(PUBLIC, CLIENT_PORT), new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), TRANSITORY,
                new RemoteFilter(IPv4Address.of(SERVER), 21));
        assertMessages(f.c.installAlgBinding(fresh), again.subList(0, 2));
        assertEquals(2, f.h.counter("alg.ftp.control_opened"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aDataConnectionThatEndedLessThanAnIdlePeriodAgoKeepsTheControlOnceMore(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        Binding child = activeChild(f, true);
        f.h.now += 10_000;
        assertMessages(f.c.removeBinding(child.spec()), f.outboundIdles(child.id()), "the data connection ends");
        long ended = f.h.now;
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));

        f.h.now = ended + IDLE_MS - 1;
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(ESTABLISHED))), f.outboundIdles(CONTROL),
                "the client may still be busy with what it received");
        assertEquals(1, f.h.counter("alg.ftp.control_kept_alive"));

        f.h.now += IDLE_MS;
        assertMessages(f.c.removeBinding(controlSpec(ESTABLISHED)), f.outboundIdles(CONTROL), "then released");
        assertTrue(f.h.engine.bindings().byId(CONTROL).isEmpty());
        assertEquals(1, f.h.counter("alg.ftp.control_kept_alive"));
        assertEquals(1, f.h.counter("alg.ftp.control_closed"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aDataConnectionThatEndedAFullIdlePeriodAgoKeepsNothing(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        Binding child = passiveChild(f);
        f.outboundIdles(child.id());
        f.h.now += IDLE_MS;
        assertMessages(f.c.removeBinding(controlSpec(ESTABLISHED)), f.outboundIdles(CONTROL));
        assertEquals(0, f.h.counter("alg.ftp.control_kept_alive"));
    }

    @Test
    void anExpectationThatLapsedUnusedDoesNotKeepTheControlOnOf13() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13).established();
        Binding expectation = activeChild(f, false);
        f.h.now += FtpAlgTranslator.EXPECTATION_SECONDS * 1000L;
        assertMessages(f.c.removeBinding(expectation.spec()), f.outboundIdles(expectation.id()),
                "the server never connected");
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));

        f.h.now += 1_000;
        assertMessages(f.c.removeBinding(controlSpec(ESTABLISHED)), f.outboundIdles(CONTROL),
                "no data connection ever lived: nothing to wait for");
        assertEquals(0, f.h.counter("alg.ftp.control_kept_alive"));
    }

    @Test
    void aClosingControlBindingIsKeptWithItsClosingTimer() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13).established();
        passiveChild(f);
        long c = C + 6;
        f.client(fromClient(c, S + 52, FtpAlgFixture.FIN | ACK, ""));
        assertEquals(BindingState.CLOSING, f.binding(CONTROL).state());
        assertMessages(List.of(f.c.reinstallAlgOutbound(controlSpec(TRANSITORY))), f.outboundIdles(CONTROL));
    }

    // ------------------------------------------------------------------ operator deletes

    @Test
    void deletingTheControlBindingWithdrawsItsUnusedExpectationOnOf13() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13).established();
        Binding expectation = activeChild(f, false);
        Binding control = f.binding(CONTROL);
        f.h.now += 2_000;

        List<OFMessage> out = f.h.engine.deleteBinding(CONTROL, f.h.now).orElseThrow();
        assertMessages(concat(f.c.removeBinding(control.spec()), f.c.removeBinding(expectation.spec()).toArray(
                new OFMessage[0])), out);
        f.h.apply(out);
        assertTrue(f.flows(CONTROL).isEmpty() && f.flows(expectation.id()).isEmpty());
        assertEquals(0, f.h.engine.bindings().size());
        assertEquals(List.of(new Removed(control, RemovalReason.DELETED_BY_OPERATOR, null, f.h.now),
                new Removed(expectation, RemovalReason.OTHER, null, f.h.now)), f.listener.take());
        assertEquals(1, f.h.counter("alg.ftp.control_closed"));
        assertEquals(1, f.h.counter("alg.ftp.expectation_withdrawn"));
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));

        // the server's next segment to the old public endpoint is no longer the ALG's: dropped
        byte[] late = fromServer(S, C, ACK | PSH, "226 Transfer complete.\r\n").frame();
        assertEquals(List.of(), f.h.engine.onPacketIn(f.h.buildPacketIn(OUT, late, OFBufferId.NO_BUFFER), f.h.now));
        assertEquals(1, f.h.counter("nat.ignored.outside"));
        // and a new SYN from the client opens a new control connection, on the old port once it cooled down
        List<OFMessage> again = reconnect(f);
        assertMessages(f.c.installAlgBinding(new BindingSpec(3, Protocol.TCP, Endpoint.of(CLIENT, CLIENT_PORT),
                Endpoint.of(PUBLIC, CLIENT_PORT), new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), TRANSITORY,
                new RemoteFilter(IPv4Address.of(SERVER), 21))), again.subList(0, 2));
        assertEquals(2, f.h.counter("alg.ftp.control_opened"));
    }

    @Test
    void deletingTheControlBindingLeavesAPendingExpectationToLapseOnOf10() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_10).established();
        Binding expectation = activeChild(f, false);
        Binding control = f.binding(CONTROL);

        List<OFMessage> out = f.h.engine.deleteBinding(CONTROL, f.h.now).orElseThrow();
        assertMessages(f.c.removeBinding(control.spec()), out, "OF1.0 cannot say whether it was used");
        assertEquals(List.of(expectation), f.h.engine.snapshot());
        assertEquals(0, f.h.counter("alg.ftp.expectation_withdrawn"));
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));
        // it lapses like any binding
        f.h.now += FtpAlgTranslator.EXPECTATION_SECONDS * 1000L;
        assertMessages(f.c.removeBinding(expectation.spec()), f.outboundIdles(expectation.id()));
        assertEquals(0, f.h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deletingTheControlBindingLeavesALiveDataConnectionAlone(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        Binding child = passiveChild(f);
        Binding control = f.binding(CONTROL);

        assertMessages(f.c.removeBinding(control.spec()), f.h.engine.deleteBinding(CONTROL, f.h.now).orElseThrow());
        assertEquals(List.of(child), f.h.engine.snapshot());
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));
        // it goes on as an ordinary binding and ends like one
        f.h.now += 1_000;
        assertMessages(f.c.removeBinding(child.spec()), f.outboundIdles(child.id()));
        assertEquals(0, f.h.engine.bindings().size());
    }

    @Test
    void deletingTheExpectationLetsTheNextPortMakeANewOneWithNothingToWithdraw() {
        FtpAlgFixture f = new FtpAlgFixture(OFVersion.OF_13).established();
        Binding expectation = activeChild(f, false);
        assertMessages(f.c.removeBinding(expectation.spec()),
                f.h.engine.deleteBinding(expectation.id(), f.h.now).orElseThrow());
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));

        long c = C + port(CLIENT, 40001).length();
        List<OFMessage> out = f.client(fromClient(c, S, ACK | PSH, port(CLIENT, 40002)));
        assertMessages(concat(f.c.installBinding(expectationSpec(3, 40002), HandshakeReport.OUTBOUND),
                f.sentOut(toServer(c + 2, S, ACK | PSH, "PORT 203,0,113,1,156,66\r\n"))), out);
        assertEquals(0, f.h.counter("alg.ftp.expectation_withdrawn"));
        assertEquals(List.of(3L), f.h.engine.algChildren(f.h.now).get(CONTROL).stream().map(AlgChild::bindingId)
                .toList());
    }
}
