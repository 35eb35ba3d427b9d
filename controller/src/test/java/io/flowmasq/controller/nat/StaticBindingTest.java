package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.packet.ArpFrames;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Operator (static) bindings through {@link NatEngine#createStatic}. */
class StaticBindingTest {
    private static final byte[] PAYLOAD = "hello".getBytes();

    private static StaticRequest request(Protocol p, String inside, int insidePort, String pub, int pubPort) {
        return new StaticRequest(p, Endpoint.of(inside, insidePort), Endpoint.of(pub, pubPort));
    }

    /** The inside host announces itself with an ARP request for the gateway. */
    private static void arpFrom(EngineHarness h, OFPort port, MacAddress mac, String ip) {
        h.packetIn(port, Frames.arp(1, MacAddress.BROADCAST, mac, ip, MacAddress.NONE, "10.0.0.1"));
    }

    private static List<OFMessage> arpForHost(FlowCompiler c, String host) {
        byte[] ask = ArpFrames.request(GW_IN, IPv4Address.of("10.0.0.1"), IPv4Address.of(host));
        return List.of(c.sendFrame(P1, ask), c.sendFrame(P2, ask));
    }

    private static OFMessage arpForNextHop(FlowCompiler c) {
        return c.sendFrame(OUT, ArpFrames.request(GW_OUT, IPv4Address.of("203.0.113.1"),
                IPv4Address.of("203.0.113.10")));
    }

    private static BindingSpec staticSpec(long id, Protocol p, String inside, int port, int pubPort, OFPort hostPort,
                                          MacAddress hostMac) {
        return new BindingSpec(id, p, Endpoint.of(inside, port), Endpoint.of("203.0.113.1", pubPort),
                new L2Hop(hostPort, GW_IN, hostMac), new L2Hop(OUT, GW_OUT, ROUTER), 0, null);
    }

    private static StaticOutcome.Created created(StaticOutcome o) {
        return assertInstanceOf(StaticOutcome.Created.class, o);
    }

    private static StaticOutcome.Refused refused(StaticOutcome o) {
        return assertInstanceOf(StaticOutcome.Refused.class, o);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anUnseenInsideHostIsLookedForOnEveryPortOfItsNetwork(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        StaticOutcome o = h.engine.createStatic(request(Protocol.TCP, "10.0.0.11", 8080, "203.0.113.1", 8080), h.now);

        StaticOutcome.Unresolved u = assertInstanceOf(StaticOutcome.Unresolved.class, o);
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        assertEquals(Xids.zeroed(arpForHost(c, "10.0.0.11")), Xids.zeroed(u.messages()));
        assertTrue(u.what().contains("inside host 10.0.0.11"), u.what());
        assertEquals(0, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anUnknownNextHopIsAskedForToo(OFVersion v) {
        EngineHarness h = new EngineHarness(v);
        h.apply(h.engine.onConnect(h.now)); // asks the router once; it does not answer
        h.now += NextHopResolver.RETRY_MS;
        StaticOutcome o = h.engine.createStatic(request(Protocol.UDP, "10.0.0.11", 5353, "203.0.113.1", 5353), h.now);

        StaticOutcome.Unresolved u = assertInstanceOf(StaticOutcome.Unresolved.class, o);
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new java.util.ArrayList<>(arpForHost(c, "10.0.0.11"));
        want.add(arpForNextHop(c));
        assertEquals(Xids.zeroed(want), Xids.zeroed(u.messages()));
        assertTrue(u.what().contains("inside host 10.0.0.11") && u.what().contains("next hop 203.0.113.10"),
                u.what());

        // the host is known now, the router still is not: only the router is asked (once per retry period)
        arpFrom(h, P1, H1, "10.0.0.11");
        h.now += NextHopResolver.RETRY_MS;
        u = assertInstanceOf(StaticOutcome.Unresolved.class,
                h.engine.createStatic(request(Protocol.UDP, "10.0.0.11", 5353, "203.0.113.1", 5353), h.now));
        assertEquals(Xids.zeroed(List.of(arpForNextHop(c))), Xids.zeroed(u.messages()));
        assertEquals(0, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createdOnceTheHostIsLearnedFromItsArp(OFVersion v) {
        RecordingListener listener = new RecordingListener();
        EngineHarness h = new EngineHarness(v, EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC),
                new BindingIds(), listener).connected();
        arpFrom(h, P1, H1, "10.0.0.11");
        h.now += 1_000;
        StaticOutcome o = h.engine.createStatic(request(Protocol.TCP, "10.0.0.11", 8080, "203.0.113.1", 8080), h.now);

        StaticOutcome.Created c = created(o);
        FlowCompiler compiler = FlowCompiler.forFactory(h.factory);
        BindingSpec spec = staticSpec(1, Protocol.TCP, "10.0.0.11", 8080, 8080, P1, H1);
        assertEquals(Xids.zeroed(compiler.installBinding(spec)), Xids.zeroed(c.messages()));
        for (OFMessage m : c.messages()) {
            OFFlowAdd add = assertInstanceOf(OFFlowAdd.class, m);
            assertEquals(0, add.getIdleTimeout(), "a static binding never expires: " + add);
            assertEquals(0, add.getHardTimeout());
            boolean inbound = OUT.equals(add.getMatch().get(MatchField.IN_PORT));
            assertNull(add.getMatch().get(inbound ? MatchField.IPV4_SRC : MatchField.IPV4_DST),
                    "no remote: any outside endpoint " + add);
            assertNull(add.getMatch().get(inbound ? MatchField.TCP_SRC : MatchField.TCP_DST));
        }
        Binding b = c.binding();
        assertEquals(spec, b.spec());
        assertEquals(Binding.Origin.STATIC, b.origin());
        assertTrue(b.isStatic());
        assertEquals(BindingState.ESTABLISHED, b.state());
        assertEquals(h.now, b.createdAt());
        assertEquals(b, h.engine.bindings().byId(1).orElseThrow());
        assertEquals(List.of(new RecordingListener.Created(b, h.now)), listener.take());
        assertEquals(1, h.counter("nat.static_binding_created"));

        // anyone outside reaches the host, without the host having said anything first
        h.apply(c.messages());
        for (String remote : List.of("198.51.100.7", "192.0.2.200")) {
            SimResult in = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.TCP, remote, 40000,
                    "203.0.113.1", 8080));
            assertEquals(1, in.only().port());
            assertEquals("10.0.0.11", in.only().packet().ipv4Dst().toString());
            assertEquals(H1, in.only().packet().ethDst());
        }
        SimResult out = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.TCP, "10.0.0.11", 8080,
                "198.51.100.7", 40000));
        assertEquals(3, out.only().port());
        assertEquals(8080, out.only().packet().l4Src());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createdOnceTheHostIsLearnedFromAnIpv4Packet(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        // h2, on port 2, talks to the gateway itself: not translated, but now the controller knows where it is
        h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 5000, "10.0.0.1", 53, PAYLOAD));
        assertEquals(0, h.engine.bindings().size());
        StaticOutcome o = h.engine.createStatic(request(Protocol.UDP, "10.0.0.12", 5060, "203.0.113.1", 5060), h.now);

        StaticOutcome.Created c = created(o);
        BindingSpec spec = staticSpec(1, Protocol.UDP, "10.0.0.12", 5060, 5060, P2, H2);
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).installBinding(spec)), Xids.zeroed(c.messages()));
        assertEquals(Binding.Origin.STATIC, c.binding().origin());
        assertEquals(BindingState.ACTIVE, c.binding().state());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theHostsAnswerToTheControllersArpIsEnough(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        StaticRequest r = request(Protocol.TCP, "10.0.0.11", 22, "203.0.113.1", 2222);
        assertInstanceOf(StaticOutcome.Unresolved.class, h.engine.createStatic(r, h.now));
        // h1 answers the gateway's request from port 2 (it moved, or the request went out of every port)
        h.now += 100;
        h.packetIn(P2, Frames.arp(2, GW_IN, H1, "10.0.0.11", GW_IN, "10.0.0.1"));
        StaticOutcome.Created c = created(h.engine.createStatic(r, h.now));
        assertEquals(new L2Hop(P2, GW_IN, H1), c.binding().spec().toInside());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anArpFromTheWrongNetworkTeachesNothing(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        // a host claiming an inside address on the outside port, and a foreign address on an inside port
        h.packetIn(OUT, Frames.arp(1, MacAddress.BROADCAST, H1, "10.0.0.11", MacAddress.NONE, "203.0.113.1"));
        h.packetIn(P1, Frames.arp(1, MacAddress.BROADCAST, H2, "192.168.7.7", MacAddress.NONE, "10.0.0.1"));
        assertInstanceOf(StaticOutcome.Unresolved.class,
                h.engine.createStatic(request(Protocol.TCP, "10.0.0.11", 22, "203.0.113.1", 2222), h.now));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aHostLearnedLongAgoMustBeSeenAgain(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        arpFrom(h, P1, H1, "10.0.0.11");
        h.now += NextHopResolver.ARP_LIFETIME_MS;
        h.routerAnswersArp();
        assertInstanceOf(StaticOutcome.Unresolved.class,
                h.engine.createStatic(request(Protocol.TCP, "10.0.0.11", 22, "203.0.113.1", 2222), h.now));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anInsideAddressOutsideTheInsideNetworksIsRefused(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        StaticOutcome.Refused r = refused(h.engine.createStatic(
                request(Protocol.TCP, "192.168.1.5", 80, "203.0.113.1", 80), h.now));
        assertEquals(false, r.conflict());
        assertEquals("inside", r.field());
        assertNull(r.conflicting());
        assertTrue(r.message().contains("192.168.1.5"), r.message());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPublicAddressTheSwitchDoesNotOwnIsRefused(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        arpFrom(h, P1, H1, "10.0.0.11");
        StaticOutcome.Refused r = refused(h.engine.createStatic(
                request(Protocol.TCP, "10.0.0.11", 80, "203.0.113.2", 80), h.now));
        assertEquals(false, r.conflict());
        assertEquals("public", r.field());
        assertNull(r.conflicting());
        assertTrue(r.message().contains("203.0.113.2"), r.message());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anInsideEndpointThatIsAlreadyBoundIsAConflictNamingItsBinding(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5555, "198.51.100.7", 53, PAYLOAD));
        Binding dynamic = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 5555)).orElseThrow();

        StaticOutcome.Refused r = refused(h.engine.createStatic(
                request(Protocol.UDP, "10.0.0.11", 5555, "203.0.113.1", 6000), h.now));
        assertEquals(true, r.conflict());
        assertEquals("inside", r.field());
        assertEquals(dynamic.id(), r.conflicting());
        assertTrue(r.message().contains("binding " + dynamic.id()), r.message());
        assertEquals(List.of(dynamic), h.engine.snapshot(), "nothing live is displaced");

        // and a static binding is in the way of a second one just the same
        StaticOutcome.Created first = created(h.engine.createStatic(
                request(Protocol.TCP, "10.0.0.11", 22, "203.0.113.1", 2222), h.now));
        r = refused(h.engine.createStatic(request(Protocol.TCP, "10.0.0.11", 22, "203.0.113.1", 2223), h.now));
        assertEquals("inside", r.field());
        assertEquals(first.binding().id(), r.conflicting());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPublicEndpointOfADynamicBindingIsAConflictNamingIt(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5555, "198.51.100.7", 53, PAYLOAD));
        Binding dynamic = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 5555)).orElseThrow();
        assertEquals(5555, dynamic.external().port());
        arpFrom(h, P2, H2, "10.0.0.12");

        StaticOutcome.Refused r = refused(h.engine.createStatic(
                request(Protocol.UDP, "10.0.0.12", 7000, "203.0.113.1", 5555), h.now));
        assertEquals(true, r.conflict());
        assertEquals("public", r.field());
        assertEquals(dynamic.id(), r.conflicting());
        assertTrue(r.message().contains("binding " + dynamic.id()), r.message());
        assertEquals(1, h.engine.bindings().size());

        // the other protocol's port of the same number is free
        created(h.engine.createStatic(request(Protocol.TCP, "10.0.0.12", 7000, "203.0.113.1", 5555), h.now));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPublicPortInTheDynamicRangeIsReservedFromDynamicBindings(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        arpFrom(h, P2, H2, "10.0.0.12");
        created(h.engine.createStatic(request(Protocol.UDP, "10.0.0.12", 7000, "203.0.113.1", 5555), h.now));

        // h1's source port 5555 would be preserved if it were free
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5555, "198.51.100.7", 53, PAYLOAD));
        Binding dynamic = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 5555)).orElseThrow();
        assertNotEquals(5555, dynamic.external().port(), "not the reserved port: a random free one");
        assertTrue(dynamic.external().port() >= 1024, "in the range: " + dynamic.external());
        assertEquals(Binding.Origin.DYNAMIC, dynamic.origin());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aStaticBindingOutsideTheDynamicRangeWorksAndLeavesTheRangeAlone(OFVersion v) {
        EngineHarness h = new EngineHarness(v, new PortRange(2000, 2000), TimerConfig.RFC).connected();
        arpFrom(h, P1, H1, "10.0.0.11");
        StaticOutcome.Created c = created(h.engine.createStatic(
                request(Protocol.TCP, "10.0.0.11", 443, "203.0.113.1", 443), h.now));
        assertEquals(443, c.binding().external().port());

        // the whole (one-port) range is still there for dynamic bindings
        h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 7000, "198.51.100.7", 53, PAYLOAD));
        assertEquals(2000, h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 7000)).orElseThrow()
                .external().port());
        // and a second static binding on the same public endpoint is still refused
        StaticOutcome.Refused r = refused(h.engine.createStatic(
                request(Protocol.TCP, "10.0.0.12", 443, "203.0.113.1", 443), h.now));
        assertEquals("public", r.field());
        assertEquals(c.binding().id(), r.conflicting());
    }

    @Test
    void aFinThroughAStaticBindingDoesNotRetimeIt() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13).connected();
        arpFrom(h, P1, H1, "10.0.0.11");
        StaticOutcome.Created c = created(h.engine.createStatic(
                request(Protocol.TCP, "10.0.0.11", 8080, "203.0.113.1", 8080), h.now));
        h.apply(c.messages());
        Binding b = c.binding();
        FlowCompiler compiler = FlowCompiler.forFactory(h.factory);

        byte[] finOut = Frames.tcp(H1, GW_IN, "10.0.0.11", 8080, "198.51.100.7", 40000, TcpFlags.FIN | TcpFlags.ACK);
        EngineHarness.Switched s = h.switchReceives(P1, finOut);
        assertTrue(s.result().toController(), "the pipeline sends FINs up");
        assertEquals(Xids.zeroed(List.of(compiler.forwardOutbound(b.spec(), PacketRef.unbuffered(P1, finOut)))),
                Xids.zeroed(s.messages()), "sent on, no flow re-added");

        byte[] finIn = Frames.tcp(ROUTER, GW_OUT, "198.51.100.7", 40000, "203.0.113.1", 8080,
                TcpFlags.FIN | TcpFlags.ACK);
        s = h.switchReceives(OUT, finIn);
        assertEquals(Xids.zeroed(List.of(compiler.forwardInbound(b.spec(), PacketRef.unbuffered(OUT, finIn)))),
                Xids.zeroed(s.messages()));

        assertEquals(b, h.engine.bindings().byId(b.id()).orElseThrow(), "same state, still idle timeout 0");
        assertEquals(0, h.counter("nat.tcp.closing"));
        assertEquals(2, h.counter("nat.tcp.fin_rst"));
    }
}
