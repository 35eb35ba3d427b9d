package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
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
import static io.flowmasq.controller.nat.FtpAlgFixture.TRANSITORY;
import static io.flowmasq.controller.nat.FtpAlgFixture.assertMessages;
import static io.flowmasq.controller.nat.FtpAlgFixture.concat;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.fromServer;
import static io.flowmasq.controller.nat.FtpAlgFixture.toClient;
import static io.flowmasq.controller.nat.FtpAlgFixture.toServer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmasq.controller.alg.ftp.TcpFrames;
import io.flowmasq.controller.config.Filtering;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Passive mode through the engine: 227/229 noted, the client's data connection adopted as a child. */
class FtpAlgPassiveTest {
    private static final long C = CLIENT_ISN + 1;
    private static final long S = SERVER_ISN + 1;
    private static final String PASV_REPLY = "227 Entering Passive Mode (198,51,100,20,195,80).\r\n"; // port 50000
    private static final String EPSV_REPLY = "229 Entering Extended Passive Mode (|||50001|)\r\n";

    static Stream<Arguments> versionsAndFilterings() {
        return Stream.of(OFVersion.OF_10, OFVersion.OF_13).flatMap(v -> Stream.of(Filtering.values())
                .map(f -> Arguments.of(v, f)));
    }

    /** The client asks, the server answers; both go through untouched but for the NAT. */
    private static void passive(FtpAlgFixture f, String command, String reply) {
        assertMessages(List.of(f.sentOut(toServer(C, S, ACK | PSH, command))),
                f.client(fromClient(C, S, ACK | PSH, command)));
        long c = C + command.length();
        assertMessages(List.of(f.sentIn(toClient(S, c, ACK | PSH, reply))),
                f.server(fromServer(S, c, ACK | PSH, reply)), "the reply is not rewritten for an inside client");
    }

    private static byte[] dataSyn(MacAddress mac, String from, int fromPort, String to, int toPort) {
        return new TcpFrames.Spec(mac, GW_IN, from, fromPort, to, toPort, 64, new byte[0], 42, 0, SYN, new byte[0],
                new byte[0]).frame();
    }

    private static RemoteFilter remoteOf(Filtering filtering, String address, int port) {
        return switch (filtering) {
            case ENDPOINT_INDEPENDENT -> null;
            case ADDRESS_DEPENDENT -> RemoteFilter.address(IPv4Address.of(address));
            case ADDRESS_AND_PORT_DEPENDENT -> new RemoteFilter(IPv4Address.of(address), port);
        };
    }

    private static BindingSpec dataSpec(FtpAlgFixture f, Filtering filtering, long id, int port, int serverPort) {
        return new BindingSpec(id, Protocol.TCP, Endpoint.of(CLIENT, port), Endpoint.of(PUBLIC, port),
                new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), f.of13() ? TRANSITORY : ESTABLISHED,
                remoteOf(filtering, SERVER, serverPort));
    }

    @ParameterizedTest
    @MethodSource("versionsAndFilterings")
    void afterA227TheClientsDataConnectionIsAnOrdinaryBindingAdoptedAsFtpData(OFVersion v, Filtering filtering) {
        FtpAlgFixture f = new FtpAlgFixture(v, FtpAlgFixture.config(filtering)).established();
        passive(f, "PASV\r\n", PASV_REPLY);
        assertEquals(1, f.h.counter("alg.ftp.passive_announced"));
        assertEquals(Map.of(CONTROL, List.of(new AlgChild("ftp-data-expectation", Endpoint.of(CLIENT, 0), null,
                SERVER + ":50000", f.h.now + 60_000, -1))), f.h.engine.algChildren(f.h.now));

        f.h.now += 100;
        byte[] syn = dataSyn(H1, CLIENT, 40002, SERVER, 50000);
        EngineHarness.Switched s = f.h.switchReceives(P1, syn);
        BindingSpec data = dataSpec(f, filtering, 2, 40002, 50000);
        assertMessages(concat(f.c.installBinding(data, f.of13() ? HandshakeReport.INBOUND : HandshakeReport.NONE), f.c.forwardOutbound(data,
                PacketRef.unbuffered(P1, syn))), s.messages(), "the ordinary binding of a first packet");
        assertEquals(data, f.binding(2).spec());
        assertEquals(1, f.h.counter("alg.ftp.passive_data"));
        AlgChild child = new AlgChild("ftp-data", Endpoint.of(CLIENT, 40002), Endpoint.of(PUBLIC, 40002),
                SERVER + ":50000", -1, 2);
        assertEquals(Map.of(CONTROL, List.of(child)), f.h.engine.algChildren(f.h.now));

        // the server answers through the switch; on OF1.3 the copy establishes the data binding
        byte[] synAck = new TcpFrames.Spec(ROUTER, GW_OUT, SERVER, 50000, PUBLIC, 40002, 64, new byte[0], 7, 43,
                SYN | ACK, new byte[0], new byte[0]).frame();
        EngineHarness.Switched answer = f.h.switchReceives(OUT, synAck);
        assertEquals(1, answer.result().only().port());
        if (f.of13()) {
            List<OFMessage> want = new ArrayList<>();
            want.add(f.c.reinstallOutbound(data.withIdleTimeout(ESTABLISHED)));
            want.addAll(f.c.removeHandshake(data, HandshakeReport.INBOUND));
            assertMessages(want, answer.messages());
        }
        assertEquals(Map.of(CONTROL, List.of(child)), f.h.engine.algChildren(f.h.now));
        assertEquals(2, f.h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void after229TheDataConnectionGoesToTheControlServersAddress(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        passive(f, "EPSV\r\n", EPSV_REPLY);
        assertEquals(Map.of(CONTROL, List.of(new AlgChild("ftp-data-expectation", Endpoint.of(CLIENT, 0), null,
                SERVER + ":50001", f.h.now + 60_000, -1))), f.h.engine.algChildren(f.h.now));

        byte[] syn = dataSyn(H1, CLIENT, 40003, SERVER, 50001);
        EngineHarness.Switched s = f.h.switchReceives(P1, syn);
        BindingSpec data = dataSpec(f, Filtering.ENDPOINT_INDEPENDENT, 2, 40003, 50001);
        assertMessages(concat(f.c.installBinding(data, f.of13() ? HandshakeReport.INBOUND : HandshakeReport.NONE), f.c.forwardOutbound(data,
                PacketRef.unbuffered(P1, syn))), s.messages());
        assertEquals(Map.of(CONTROL, List.of(new AlgChild("ftp-data", Endpoint.of(CLIENT, 40003),
                Endpoint.of(PUBLIC, 40003), SERVER + ":50001", -1, 2))), f.h.engine.algChildren(f.h.now));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void onlyTheClientsConnectionToTheAnnouncedEndpointIsAdopted(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        passive(f, "PASV\r\n", PASV_REPLY);
        // another port of the server, and another inside host to the announced endpoint: not children
        f.h.switchReceives(P1, dataSyn(H1, CLIENT, 40004, SERVER, 50001));
        f.h.switchReceives(P2, dataSyn(H2, "10.0.0.12", 40005, SERVER, 50000));
        assertEquals(3, f.h.engine.bindings().size());
        assertEquals(0, f.h.counter("alg.ftp.passive_data"));
        assertEquals(List.of("ftp-data-expectation"), f.h.engine.algChildren(f.h.now).get(CONTROL).stream()
                .map(AlgChild::kind).toList(), "still waiting for the client");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anAnnouncedEndpointLapsesAfterSixtySeconds(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v).established();
        passive(f, "PASV\r\n", PASV_REPLY);
        long announced = f.h.now;
        f.h.now = announced + 59_999;
        f.h.engine.onTick(f.h.now);
        assertEquals(0, f.h.counter("alg.ftp.passive_expired"));
        f.h.now = announced + 60_000;
        f.h.engine.onTick(f.h.now);
        assertEquals(1, f.h.counter("alg.ftp.passive_expired"));
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));

        f.h.routerAnswersArp();
        f.h.switchReceives(P1, dataSyn(H1, CLIENT, 40002, SERVER, 50000));
        assertEquals(2, f.h.engine.bindings().size());
        assertEquals(0, f.h.counter("alg.ftp.passive_data"));
        assertEquals(Map.of(), f.h.engine.algChildren(f.h.now));
    }
}
