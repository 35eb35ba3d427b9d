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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.sim.ActionExecutor;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IpProtocol;

class NatEngineTest {
    private static final byte[] PAYLOAD = "hello".getBytes();

    private static byte[] udpFromH1(int srcPort, String dst, int dstPort) {
        return Frames.udp(H1, GW_IN, "10.0.0.11", srcPort, dst, dstPort, PAYLOAD);
    }

    private static BindingSpec spec(long id, Protocol p, String inside, int inPort, int extPort, int idle,
                                    io.flowmasq.controller.nat.EngineHarness h, org.projectfloodlight.openflow.types.MacAddress hostMac,
                                    org.projectfloodlight.openflow.types.OFPort hostPort) {
        return new BindingSpec(id, p, Endpoint.of(inside, inPort), Endpoint.of("203.0.113.1", extPort),
                new L2Hop(hostPort, GW_IN, hostMac), new L2Hop(OUT, GW_OUT, ROUTER), idle);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void newUdpFlowInstallsBothFlowsThenForwardsTheFirstPacket(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        byte[] frame = udpFromH1(5555, "198.51.100.7", 53);
        List<OFMessage> out = h.packetIn(P1, frame);

        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        BindingSpec expected = spec(1, Protocol.UDP, "10.0.0.11", 5555, 5555, 300, h, H1, P1);
        List<OFMessage> want = new ArrayList<>(c.installBinding(expected));
        want.add(c.forwardOutbound(expected, PacketRef.unbuffered(P1, frame)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(out));
        assertEquals(1, h.counter("nat.binding_created"));

        // What the switch now does with the flow's next packets, both ways:
        SimResult o = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5555, "198.51.100.7", 53));
        assertEquals(3, o.only().port());
        assertEquals("203.0.113.1", o.only().packet().ipv4Src().toString());
        assertEquals(ROUTER, o.only().packet().ethDst());
        SimResult r = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 53, "203.0.113.1", 5555));
        assertEquals(1, r.only().port());
        assertEquals("10.0.0.11", r.only().packet().ipv4Dst().toString());
        assertEquals(5555, r.only().packet().l4Dst());
        assertEquals(H1, r.only().packet().ethDst());
    }

    /** OF1.0 cannot see the handshake: the established timer from the first packet (OF1.3: TcpStateTest). */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10"})
    void newTcpFlowGetsTheEstablishedTimerAndTheFirstPacketIsRewritten(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        byte[] syn = Frames.tcp(H1, GW_IN, "10.0.0.11", 40000, "198.51.100.7", 80, Frames.SYN);
        List<OFMessage> out = h.packetIn(P1, syn);

        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        BindingSpec expected = spec(1, Protocol.TCP, "10.0.0.11", 40000, 40000, 7440, h, H1, P1);
        List<OFMessage> want = new ArrayList<>(c.installBinding(expected));
        want.add(c.forwardOutbound(expected, PacketRef.unbuffered(P1, syn)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(out));
        OFPacketOut po = (OFPacketOut) out.get(2);
        SimResult sent = ActionExecutor.execute(po.getActions(),
                SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.TCP, "10.0.0.11", 40000, "198.51.100.7", 80), null);
        assertEquals(3, sent.only().port());
        assertEquals("203.0.113.1", sent.only().packet().ipv4Src().toString());
        assertEquals(63, sent.only().packet().ttl());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void secondDestinationReusesTheMappingAndSecondFirstPacketSharesTheBinding(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, udpFromH1(5555, "198.51.100.7", 53));
        List<OFMessage> again = h.packetIn(P1, udpFromH1(5555, "192.0.2.99", 4000));
        assertEquals(1, again.size(), "no second allocation, just the packet sent on");
        OFPacketOut po = (OFPacketOut) again.get(0);
        SimResult sent = ActionExecutor.execute(po.getActions(),
                SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5555, "192.0.2.99", 4000), null);
        assertEquals(5555, sent.only().packet().l4Src());
        assertEquals(1, h.engine.bindings().size());
        assertEquals(1, h.counter("nat.binding_created"));
        // Endpoint-independent: the installed flow already maps the new destination identically.
        SimResult o = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5555, "192.0.2.99", 4000));
        assertEquals(5555, o.only().packet().l4Src());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void portPreservedWhenFreeAndAnotherPortOnCollision(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, udpFromH1(5555, "198.51.100.7", 53));
        h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 5555, "198.51.100.7", 53, PAYLOAD));
        Binding first = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 5555)).orElseThrow();
        Binding second = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 5555)).orElseThrow();
        assertEquals(5555, first.external().port());
        assertTrue(second.external().port() != 5555, "never two inside endpoints on one public endpoint");
        int other = second.external().port();
        assertTrue(other >= 1024 && other <= 65535, "a random port of the range: " + other);
        SimResult r = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 53, "203.0.113.1", other));
        assertEquals(2, r.only().port());
        assertEquals(H2, r.only().packet().ethDst());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void exhaustedRangeRefusesCleanlyWithoutEvicting(OFVersion v) {
        EngineHarness h = new EngineHarness(v, new PortRange(2000, 2001), TimerConfig.RFC).connected();
        h.packetIn(P1, udpFromH1(7000, "198.51.100.7", 53));
        h.packetIn(P1, udpFromH1(7001, "198.51.100.7", 53));
        List<OFMessage> refused = h.packetIn(P1, udpFromH1(7002, "198.51.100.7", 53));
        assertEquals(List.of(), refused, "unbuffered packet: nothing to send, nothing installed");
        assertEquals(1, h.counter("nat.allocation_failed"));
        assertEquals(2, h.engine.bindings().size(), "existing bindings untouched");
        assertEquals(2, h.counter("nat.binding_created"));
        SimResult r = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 53, "203.0.113.1", 2000));
        assertEquals(1, r.only().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void flowRemovedReleasesTheBindingDeletesThePartnerAndFreesThePort(OFVersion v) {
        EngineHarness h = new EngineHarness(v, new PortRange(2000, 2000), TimerConfig.RFC).connected();
        h.packetIn(P1, udpFromH1(7000, "198.51.100.7", 53));
        Binding b = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 7000)).orElseThrow();
        assertEquals(List.of(), h.packetIn(P1, udpFromH1(7001, "198.51.100.7", 53)), "range of one is full");

        h.now += 301_000;
        List<OFMessage> out = h.expire(Cookies.binding(b.id()).getValue());
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(b.spec())), Xids.zeroed(out));
        assertEquals(0, h.engine.bindings().size());
        assertEquals(1, h.counter("nat.binding_expired"));
        assertTrue(h.table.entriesWithCookie(Cookies.binding(b.id()).getValue()).isEmpty());
        assertTrue(h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 53,
                "203.0.113.1", 2000)).dropped(), "no way in after expiry");

        // another inside endpoint gets the port back once its reuse delay has passed, not before
        h.routerAnswersArp();
        assertEquals(List.of(), h.packetIn(P1, udpFromH1(7001, "198.51.100.7", 53)), "the only port is cooling");
        h.now += SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS * 1000L;
        h.routerAnswersArp();
        h.packetIn(P1, udpFromH1(7001, "198.51.100.7", 53));
        assertEquals(2000, h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 7001))
                .orElseThrow().external().port(), "the port went back to the pool");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBindingRecreatedRightAfterExpiryGetsAnotherPublicPort(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, udpFromH1(45555, "198.51.100.7", 53));
        Binding old = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 45555)).orElseThrow();
        assertEquals(45555, old.external().port());
        h.now += 3_000;
        h.expire(Cookies.binding(old.id()).getValue());
        h.now += 500;
        h.packetIn(P1, udpFromH1(45555, "198.51.100.7", 53));
        Binding again = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 45555)).orElseThrow();
        assertTrue(again.external().port() != 45555, "the old port is settling");
        h.now += NaptAllocator.SETTLE_MS;
        h.routerAnswersArp();
        h.expire(Cookies.binding(again.id()).getValue());
        h.packetIn(P1, udpFromH1(45555, "198.51.100.7", 53));
        assertEquals(45555, h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 45555))
                .orElseThrow().external().port(), "preserved again once settled");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void firstPacketWaitsForTheNextHopArpAndIsSentWhenItAnswers(OFVersion v) {
        EngineHarness h = new EngineHarness(v);
        h.apply(h.engine.onConnect(h.now));
        List<OFMessage> held = h.packetIn(P1, udpFromH1(5555, "198.51.100.7", 53));
        assertTrue(held.stream().noneMatch(m -> m.getType().toString().equals("FLOW_MOD")));
        assertEquals(1, h.counter("nat.pending_held"));
        h.now += 200;
        List<OFMessage> released = h.packetIn(OUT, Frames.arp(2, GW_OUT, ROUTER, "203.0.113.10", GW_OUT, "203.0.113.1"));
        assertEquals(1, h.engine.bindings().size());
        assertTrue(released.get(released.size() - 1) instanceof OFPacketOut);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void heldPacketsAreDroppedAndCountedWhenTheNextHopNeverAnswers(OFVersion v) {
        EngineHarness h = new EngineHarness(v);
        h.apply(h.engine.onConnect(h.now));
        h.packetIn(P1, udpFromH1(5555, "198.51.100.7", 53));
        h.now += 1_500;
        List<OFMessage> retry = h.engine.onTick(h.now);
        assertEquals(1, retry.size(), "one ARP retry");
        h.now += 2_000;
        h.engine.onTick(h.now);
        assertEquals(1, h.counter("nat.pending_dropped"));
        assertEquals(0, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void answersArpForGatewayAddressesOnlyOnTheirOwnPorts(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        List<OFMessage> reply = h.packetIn(P1, Frames.arp(1, org.projectfloodlight.openflow.types.MacAddress.BROADCAST,
                H1, "10.0.0.11", org.projectfloodlight.openflow.types.MacAddress.NONE, "10.0.0.1"));
        assertEquals(1, reply.size());
        OFPacketOut po = (OFPacketOut) reply.get(0);
        assertEquals(P1, ((org.projectfloodlight.openflow.protocol.action.OFActionOutput) po.getActions().get(0)).getPort());
        byte[] d = po.getData();
        assertEquals(H1, org.projectfloodlight.openflow.types.MacAddress.of(java.util.Arrays.copyOfRange(d, 0, 6)));
        assertEquals(GW_IN, org.projectfloodlight.openflow.types.MacAddress.of(java.util.Arrays.copyOfRange(d, 22, 28)));
        assertEquals(2, d[21], "opcode reply");
        // The inside gateway address is not answered on the outside port.
        assertEquals(List.of(), h.packetIn(OUT, Frames.arp(1, org.projectfloodlight.openflow.types.MacAddress.BROADCAST,
                ROUTER, "203.0.113.10", org.projectfloodlight.openflow.types.MacAddress.NONE, "10.0.0.1")));
    }

    /** Found by the channel fuzzer: the ALG's open() added a second session for the same remote and threw. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aSynToTheFtpPortOnAConnectionThatAlreadyHasABindingUsesIt(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, Frames.tcp(H1, GW_IN, "10.0.0.11", 40013, "198.51.100.20", 21, 0x10));
        assertEquals(1, h.engine.bindings().size());
        List<OFMessage> out = h.packetIn(P1, Frames.tcp(H1, GW_IN, "10.0.0.11", 40013, "198.51.100.20", 21, 0x02));
        assertEquals(1, h.engine.bindings().size());
        assertTrue(out.stream().anyMatch(m -> m.getType() == org.projectfloodlight.openflow.protocol.OFType.PACKET_OUT),
                "the SYN goes on through the binding: " + out);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void junkIsCountedAndDroppedNeverThrown(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        assertEquals(List.of(), h.packetIn(P1, Frames.ipv6()));
        assertEquals(List.of(), h.packetIn(P1, new byte[] {1, 2, 3}));
        byte[] badIhl = udpFromH1(5555, "198.51.100.7", 53);
        badIhl[14] = 0x42;
        assertEquals(List.of(), h.packetIn(P1, badIhl));
        byte[] truncated = java.util.Arrays.copyOf(udpFromH1(5555, "198.51.100.7", 53), 36);
        assertEquals(List.of(), h.packetIn(P1, truncated));
        byte[] shortDatagram = udpFromH1(5555, "198.51.100.7", 53); // the frame is whole, the datagram too short
        shortDatagram[16] = 0;
        shortDatagram[17] = 24;
        assertEquals(List.of(), h.packetIn(P1, shortDatagram));
        assertEquals(List.of(), h.packetIn(P1, Frames.ipv4(H1, GW_IN, "10.0.0.11", "198.51.100.7", 47, 64, new byte[8])));
        assertEquals(List.of(), h.packetIn(P1, Frames.udp(H1, GW_IN, "172.16.0.5", 5555, "198.51.100.7", 53, PAYLOAD)));
        assertEquals(1, h.counter("nat.ignored.ethertype"));
        assertEquals(1, h.counter("nat.malformed.truncated_ethernet"));
        assertEquals(1, h.counter("nat.malformed.bad_ihl"));
        assertEquals(1, h.counter("nat.malformed.truncated_ipv4"));
        assertEquals(1, h.counter("nat.malformed.truncated_l4"));
        assertEquals(1, h.counter("nat.ignored.protocol"));
        assertEquals(1, h.counter("nat.ignored.foreign_source"));
        assertEquals(0, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void unsolicitedInboundNeverReachesTheController(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        SimResult r = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.TCP, "198.51.100.7", 4444,
                "203.0.113.1", 80));
        assertTrue(r.dropped());
        assertFalse(r.toController());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void bufferedPacketInIsForwardedByBufferId(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        byte[] frame = udpFromH1(5555, "198.51.100.7", 53);
        var buffer = org.projectfloodlight.openflow.types.OFBufferId.of(77);
        List<OFMessage> out = h.engine.onPacketIn(h.buildPacketIn(P1, frame, buffer), h.now);
        OFPacketOut po = (OFPacketOut) out.get(out.size() - 1);
        assertEquals(buffer, po.getBufferId());
        assertEquals(0, po.getData().length, "the switch still holds the packet");
    }
}
