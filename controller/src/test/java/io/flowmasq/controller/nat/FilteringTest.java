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

import io.flowmasq.controller.config.Filtering;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IpProtocol;

/**
 * Filtering modes (RFC 4787 REQ-8): what the switch does with inbound packets from the contacted remote,
 * another port of it and another address, once h1 (10.0.0.11:5555) has sent to 198.51.100.7:53; how
 * sessions share one mapping, expire one by one and are bounded.
 */
class FilteringTest {
    private static final byte[] PAYLOAD = "hello".getBytes();
    private static final Endpoint H1_5555 = Endpoint.of("10.0.0.11", 5555);

    private static EngineHarness harness(OFVersion v, Filtering f) {
        SwitchConfig c = EngineHarness.config(PortRange.DEFAULT, new TimerConfig("rfc", 7440, 240, 300, 60),
                OptionalInt.empty()).withFiltering(f);
        return new EngineHarness(v, c).connected();
    }

    private static byte[] udpFromH1(String dst, int dstPort) {
        return Frames.udp(H1, GW_IN, "10.0.0.11", 5555, dst, dstPort, PAYLOAD);
    }

    /** Where the switch sends a UDP datagram from {@code src}:{@code srcPort} to h1's public endpoint. */
    private static SimResult inbound(EngineHarness h, String src, int srcPort) {
        return h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, src, srcPort, "203.0.113.1",
                5555));
    }

    private static boolean delivered(SimResult r) {
        return !r.dropped() && r.only().port() == 1 && r.only().packet().ipv4Dst().toString().equals("10.0.0.11")
                && r.only().packet().l4Dst() == 5555;
    }

    private static long cookieOf(EngineHarness h, String remote, int port) {
        Endpoint dst = Endpoint.of(remote, port);
        return Cookies.binding(h.engine.bindings().forOutbound(Protocol.UDP, H1_5555, dst).orElseThrow().id())
                .getValue();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void endpointIndependentLetsAnyoneIn(OFVersion v) {
        EngineHarness h = harness(v, Filtering.ENDPOINT_INDEPENDENT);
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        assertTrue(delivered(inbound(h, "198.51.100.7", 53)));
        assertTrue(delivered(inbound(h, "198.51.100.7", 54)));
        assertTrue(delivered(inbound(h, "192.0.2.99", 53)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void addressDependentLetsOtherPortsOfTheRemoteIn(OFVersion v) {
        EngineHarness h = harness(v, Filtering.ADDRESS_DEPENDENT);
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        assertTrue(delivered(inbound(h, "198.51.100.7", 53)));
        assertTrue(delivered(inbound(h, "198.51.100.7", 54)));
        SimResult other = inbound(h, "192.0.2.99", 53);
        assertTrue(other.dropped(), "another address: dropped in the switch");
        assertFalse(other.toController(), "and never sent to the controller");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void addressAndPortDependentLetsOnlyTheContactedEndpointIn(OFVersion v) {
        EngineHarness h = harness(v, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        assertTrue(delivered(inbound(h, "198.51.100.7", 53)));
        assertTrue(inbound(h, "198.51.100.7", 54).dropped());
        assertTrue(inbound(h, "192.0.2.99", 53).dropped());
    }

    @ParameterizedTest
    @EnumSource(value = Filtering.class, names = {"ADDRESS_DEPENDENT", "ADDRESS_AND_PORT_DEPENDENT"})
    void aNewDestinationComesUpAndGetsASessionOnTheSamePublicEndpoint(Filtering f) {
        EngineHarness h = harness(OFVersion.OF_13, f);
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        EngineHarness.Switched second = h.switchReceives(P1, udpFromH1("192.0.2.99", 4000));
        assertTrue(second.result().toController(), "the outbound flow matches the destination");
        assertEquals(2, h.engine.bindings().size());
        assertEquals(2, h.counter("nat.session_created"));
        OFPacketOut po = (OFPacketOut) second.messages().get(second.messages().size() - 1);
        assertEquals(5555, h.engine.bindings().forOutbound(Protocol.UDP, H1_5555, Endpoint.of("192.0.2.99", 4000))
                .orElseThrow().external().port(), "endpoint-independent mapping: same public port");
        assertFalse(po.getActions().isEmpty());
        // Later packets of both sessions stay on the switch, from the same public endpoint.
        for (String dst : List.of("198.51.100.7", "192.0.2.99")) {
            int port = dst.startsWith("198") ? 53 : 4000;
            SimResult o = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5555, dst, port));
            assertEquals(3, o.only().port());
            assertEquals(5555, o.only().packet().l4Src());
            assertTrue(delivered(inbound(h, dst, port)));
        }
        // A repeated first packet of the second session reuses it.
        List<OFMessage> again = h.packetIn(P1, udpFromH1("192.0.2.99", 4000));
        assertEquals(1, again.size());
        assertEquals(2, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void oneSessionExpiringLeavesTheMappingAndTheLastReleasesThePort(OFVersion v) {
        EngineHarness h = harness(v, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        h.packetIn(P1, udpFromH1("192.0.2.99", 4000));
        h.now += 301_000;
        h.routerAnswersArp();
        h.expire(cookieOf(h, "198.51.100.7", 53));
        assertEquals(1, h.engine.bindings().size());
        assertTrue(inbound(h, "198.51.100.7", 53).dropped(), "the expired session's inbound flow is gone");
        assertTrue(delivered(inbound(h, "192.0.2.99", 4000)), "the other session lives on");
        // The port is still the mapping's: another inside endpoint wanting 5555 does not get it.
        h.packetIn(EngineHarness.P2, Frames.udp(EngineHarness.H2, GW_IN, "10.0.0.12", 5555, "198.51.100.7", 53,
                PAYLOAD));
        assertTrue(h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 5555)).orElseThrow()
                .external().port() != 5555);
        // A new session of h1 after the first expired still uses 5555.
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        assertEquals(5555, h.engine.bindings().forOutbound(Protocol.UDP, H1_5555, Endpoint.of("198.51.100.7", 53))
                .orElseThrow().external().port());
        h.expire(cookieOf(h, "198.51.100.7", 53));
        h.expire(cookieOf(h, "192.0.2.99", 4000));
        assertEquals(0, h.engine.bindings().sessions(Protocol.UDP, H1_5555));
        assertEquals(3, h.counter("nat.binding_expired"));
    }

    @Test
    void theLastSessionReleasesThePublicPort() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13, EngineHarness.config(new PortRange(2000, 2000),
                TimerConfig.RFC).withFiltering(Filtering.ADDRESS_DEPENDENT)).connected();
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        h.packetIn(P1, udpFromH1("192.0.2.99", 53));
        h.packetIn(EngineHarness.P2, Frames.udp(EngineHarness.H2, GW_IN, "10.0.0.12", 6000, "198.51.100.7", 53,
                PAYLOAD));
        assertEquals(1, h.counter("nat.allocation_failed"), "the only port is h1's");
        h.now += 400_000;
        h.routerAnswersArp();
        h.expire(cookieOf(h, "198.51.100.7", 53));
        h.packetIn(EngineHarness.P2, Frames.udp(EngineHarness.H2, GW_IN, "10.0.0.12", 6000, "198.51.100.7", 53,
                PAYLOAD));
        assertEquals(2, h.counter("nat.allocation_failed"), "one session of h1 still holds the port");
        h.expire(cookieOf(h, "192.0.2.99", 53));
        h.now += SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS * 1000L; // h2 is another endpoint: after the delay
        h.routerAnswersArp();
        h.packetIn(EngineHarness.P2, Frames.udp(EngineHarness.H2, GW_IN, "10.0.0.12", 6000, "198.51.100.7", 53,
                PAYLOAD));
        assertEquals(2, h.counter("nat.allocation_failed"), "released with the last session");
        assertEquals(2000, h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 6000)).orElseThrow()
                .external().port());
    }

    @Test
    void sessionsPerMappingAreBounded() {
        EngineHarness h = harness(OFVersion.OF_13, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        for (int i = 0; i < NaptTranslator.MAX_SESSIONS_PER_MAPPING; i++) {
            h.packetIn(P1, udpFromH1("198.51.100.7", 1000 + i));
        }
        assertEquals(NaptTranslator.MAX_SESSIONS_PER_MAPPING, h.engine.bindings().size());
        List<OFMessage> refused = h.packetIn(P1, udpFromH1("198.51.100.7", 2000));
        assertEquals(List.of(), refused, "nothing installed, nothing sent");
        assertEquals(1, h.counter("nat.session_refused"));
        assertEquals(NaptTranslator.MAX_SESSIONS_PER_MAPPING, h.engine.bindings().size());
        h.expire(cookieOf(h, "198.51.100.7", 1000));
        h.packetIn(P1, udpFromH1("198.51.100.7", 2000));
        assertTrue(delivered(inbound(h, "198.51.100.7", 2000)), "room again after one session ended");
    }

    private static byte[] tcpFromH1(String dst, int flags) {
        return Frames.tcp(H1, GW_IN, "10.0.0.11", 40000, dst, 80, flags);
    }

    private static byte[] tcpToPublic(String src, int flags) {
        return Frames.tcp(ROUTER, GW_OUT, src, 80, "203.0.113.1", 40000, flags);
    }

    private static Binding tcpSession(EngineHarness h, String remote) {
        return h.engine.bindings().forOutbound(Protocol.TCP, Endpoint.of("10.0.0.11", 40000), Endpoint.of(remote, 80))
                .orElseThrow();
    }

    /** The TCP state machine runs per session: each session's flows carry its own state's timer. */
    @Test
    void tcpStateIsPerSession() {
        EngineHarness h = harness(OFVersion.OF_13, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        h.switchReceives(P1, tcpFromH1("198.51.100.7", TcpFlags.SYN));
        h.switchReceives(P1, tcpFromH1("192.0.2.99", TcpFlags.SYN));
        assertEquals(2, h.engine.bindings().size());
        h.switchReceives(OUT, tcpToPublic("198.51.100.7", TcpFlags.SYN | TcpFlags.ACK));
        assertEquals(BindingState.ESTABLISHED, tcpSession(h, "198.51.100.7").state());
        assertEquals(BindingState.TRANSITORY, tcpSession(h, "192.0.2.99").state());
        assertEquals(7440, h.table.lookup(EngineHarness.simPacket(P1, tcpFromH1("198.51.100.7", TcpFlags.ACK)))
                .orElseThrow().idleTimeout());
        assertEquals(240, h.table.lookup(EngineHarness.simPacket(P1, tcpFromH1("192.0.2.99", TcpFlags.ACK)))
                .orElseThrow().idleTimeout());
        // A FIN from a remote the filter does not let in closes nothing and goes nowhere.
        EngineHarness.Switched forged = h.switchReceives(OUT, tcpToPublic("192.0.2.200", TcpFlags.RST));
        assertTrue(forged.messages().isEmpty());
        assertEquals(1, h.counter("nat.ignored.tcp_fin_rst_unsolicited"));
        assertEquals(BindingState.ESTABLISHED, tcpSession(h, "198.51.100.7").state());
        // The established session's FIN closes it alone.
        h.switchReceives(P1, tcpFromH1("198.51.100.7", TcpFlags.FIN | TcpFlags.ACK));
        assertEquals(BindingState.CLOSING, tcpSession(h, "198.51.100.7").state());
        assertEquals(BindingState.TRANSITORY, tcpSession(h, "192.0.2.99").state());
    }

    /** An ICMP error about a session is let in; one quoting a datagram to a remote h1 never sent to is not. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void icmpErrorsOnlyAboutSessionsThatExist(OFVersion v) {
        EngineHarness h = harness(v, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        h.packetIn(P1, udpFromH1("198.51.100.7", 53));
        byte[] asSent = IcmpFramesForTest.udp(GW_OUT, ROUTER, "203.0.113.1", 5555, "198.51.100.7", 53, 63);
        List<OFMessage> in = h.packetIn(OUT, IcmpFramesForTest.error(3, 3, ROUTER, GW_OUT, "198.51.100.7",
                "203.0.113.1", asSent));
        assertEquals(1, in.size());
        assertEquals(1, h.counter("nat.icmp.error_in"));
        byte[] forged = IcmpFramesForTest.udp(GW_OUT, ROUTER, "203.0.113.1", 5555, "198.51.100.7", 54, 63);
        assertEquals(List.of(), h.packetIn(OUT, IcmpFramesForTest.error(3, 3, ROUTER, GW_OUT, "198.51.100.7",
                "203.0.113.1", forged)));
        assertEquals(1, h.counter("nat.icmp.dropped.error_no_binding"));
    }

    /** Hairpinned traffic is not filtered: h1 reaches h2's mapping, made towards the outside, in every mode. */
    @ParameterizedTest
    @EnumSource(Filtering.class)
    void hairpinReachesAMappingWhateverTheFilter(Filtering f) {
        EngineHarness h = harness(OFVersion.OF_13, f);
        h.packetIn(EngineHarness.P2, Frames.udp(EngineHarness.H2, GW_IN, "10.0.0.12", 7000, "198.51.100.7", 3478,
                PAYLOAD));
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 7000, PAYLOAD));
        assertEquals(1, h.counter("nat.hairpin.created"));
        SimResult forward = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5000,
                "203.0.113.1", 7000));
        assertEquals(2, forward.only().port());
        assertEquals("203.0.113.1", forward.only().packet().ipv4Src().toString());
        assertEquals("10.0.0.12", forward.only().packet().ipv4Dst().toString());
    }
}
