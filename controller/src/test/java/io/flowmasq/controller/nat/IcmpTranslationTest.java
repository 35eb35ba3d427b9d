package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static io.flowmasq.controller.nat.IcmpFramesForTest.ip;
import static io.flowmasq.controller.nat.IcmpFramesForTest.u16;
import static io.flowmasq.controller.nat.IcmpFramesForTest.valid;
import static io.flowmasq.controller.nat.IcmpFramesForTest.validTransport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFAsyncSet;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.types.MacAddress;

/** RFC 5508 behaviour of the engine: exact bytes out, every checksum checked independently. */
class IcmpTranslationTest {
    private static final int IP = 14;
    private static final int L4 = 34;

    /** The single frame the engine sent, and the port it went out of. */
    private record Sent(int port, byte[] frame) {
    }

    private static Sent sent(List<OFMessage> out) {
        assertEquals(1, out.size(), "one packet-out: " + out);
        OFPacketOut po = (OFPacketOut) out.get(0);
        int port = ((OFActionOutput) po.getActions().get(0)).getPort().getPortNumber();
        return new Sent(port, po.getData());
    }

    private static void assertIpAndIcmpChecksums(byte[] f) {
        assertTrue(valid(f, IP, 20), "IPv4 header checksum");
        assertTrue(valid(f, L4, f.length - L4), "ICMP checksum");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void echoRequestAndReplyAreTranslatedWithTheIdentifierAsPort(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        Sent out = sent(h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "198.51.100.7", 0x1234, 1, 64)));
        assertEquals(3, out.port());
        assertEquals("203.0.113.1", ip(out.frame(), IP + 12));
        assertEquals("198.51.100.7", ip(out.frame(), IP + 16));
        assertEquals(0x1234, u16(out.frame(), L4 + 4), "identifier preserved when free");
        assertEquals(63, out.frame()[IP + 8] & 0xff);
        assertEquals(ROUTER, MacAddress.of(Arrays.copyOfRange(out.frame(), 0, 6)));
        assertEquals(GW_OUT, MacAddress.of(Arrays.copyOfRange(out.frame(), 6, 12)));
        assertIpAndIcmpChecksums(out.frame());

        Sent back = sent(h.packetIn(OUT, IcmpFramesForTest.echo(0, ROUTER, GW_OUT, "198.51.100.7", "203.0.113.1", 0x1234, 1, 60)));
        assertEquals(1, back.port());
        assertEquals("10.0.0.11", ip(back.frame(), IP + 16));
        assertEquals(0x1234, u16(back.frame(), L4 + 4));
        assertEquals(H1, MacAddress.of(Arrays.copyOfRange(back.frame(), 0, 6)));
        assertEquals(59, back.frame()[IP + 8] & 0xff);
        assertIpAndIcmpChecksums(back.frame());
        assertEquals(1, h.counter("nat.icmp.echo_out"));
        assertEquals(1, h.counter("nat.icmp.echo_in"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void twoHostsWithTheSameIdentifierGetDistinctMappings(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        sent(h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "198.51.100.7", 7, 1, 64)));
        Sent second = sent(h.packetIn(P2, IcmpFramesForTest.echo(8, H2, GW_IN, "10.0.0.12", "198.51.100.7", 7, 1, 64)));
        int external = u16(second.frame(), L4 + 4);
        assertTrue(external != 7, "identifier 7 is taken by h1");
        Sent back = sent(h.packetIn(OUT, IcmpFramesForTest.echo(0, ROUTER, GW_OUT, "198.51.100.7", "203.0.113.1", external, 1, 60)));
        assertEquals(2, back.port());
        assertEquals("10.0.0.12", ip(back.frame(), IP + 16));
        assertEquals(7, u16(back.frame(), L4 + 4));
        assertIpAndIcmpChecksums(back.frame());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void unknownRepliesAndExpiredMappingsAreDropped(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        assertEquals(List.of(), h.packetIn(OUT, IcmpFramesForTest.echo(0, ROUTER, GW_OUT, "198.51.100.7", "203.0.113.1", 99, 1, 60)));
        assertEquals(1, h.counter("nat.icmp.dropped.no_mapping"));
        sent(h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "198.51.100.7", 5, 1, 64)));
        h.now += 60_000;
        h.engine.onTick(h.now);
        assertEquals(1, h.counter("nat.icmp.mapping_expired"));
        assertEquals(List.of(), h.packetIn(OUT, IcmpFramesForTest.echo(0, ROUTER, GW_OUT, "198.51.100.7", "203.0.113.1", 5, 1, 60)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPacketWhoseTtlRunsOutGetsTimeExceededFromTheGateway(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        byte[] probe = IcmpFramesForTest.udp(H1, GW_IN, "10.0.0.11", 40000, "198.51.100.7", 33434, 1);
        Sent te = sent(h.packetIn(P1, probe));
        byte[] f = te.frame();
        assertEquals(1, te.port());
        assertEquals("10.0.0.1", ip(f, IP + 12));
        assertEquals("10.0.0.11", ip(f, IP + 16));
        assertEquals(11, f[L4]);
        assertEquals(0, f[L4 + 1]);
        assertEquals(GW_IN, MacAddress.of(Arrays.copyOfRange(f, 6, 12)));
        assertIpAndIcmpChecksums(f);
        byte[] quoted = Arrays.copyOfRange(f, L4 + 8, f.length);
        assertTrue(Arrays.equals(Arrays.copyOfRange(probe, IP, probe.length), quoted), "the whole probe is quoted");
        assertEquals(0, h.engine.bindings().size(), "no binding for a packet that dies here");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anErrorFromOutsideReachesTheInsideHostWithTheQuoteTranslated(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, IcmpFramesForTest.udp(H1, GW_IN, "10.0.0.11", 5555, "198.51.100.7", 53, 64));
        // What left the NAT, as the remote host quotes it back in a port unreachable:
        byte[] asSent = IcmpFramesForTest.udp(GW_OUT, ROUTER, "203.0.113.1", 5555, "198.51.100.7", 53, 63);
        byte[] error = IcmpFramesForTest.error(3, 3, ROUTER, GW_OUT, "198.51.100.7", "203.0.113.1", asSent);
        Sent in = sent(h.packetIn(OUT, error));
        byte[] f = in.frame();
        assertEquals(1, in.port());
        assertEquals("10.0.0.11", ip(f, IP + 16));
        assertEquals(H1, MacAddress.of(Arrays.copyOfRange(f, 0, 6)));
        assertIpAndIcmpChecksums(f);
        int inner = L4 + 8;
        assertEquals("10.0.0.11", ip(f, inner + 12), "quoted source is the inside host again");
        assertEquals(5555, u16(f, inner + 20));
        assertTrue(valid(f, inner, 20), "quoted IP header checksum");
        assertTrue(validTransport(f, inner, inner + 20, f.length - inner - 20, 17), "quoted UDP checksum");
        assertEquals(1, h.counter("nat.icmp.error_in"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anErrorAboutAnEchoRequestRestoresTheIdentifier(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "198.51.100.7", 0x42, 3, 2));
        byte[] asSent = IcmpFramesForTest.echo(8, GW_OUT, ROUTER, "203.0.113.1", "198.51.100.7", 0x42, 3, 1);
        Sent in = sent(h.packetIn(OUT, IcmpFramesForTest.error(11, 0, ROUTER, GW_OUT, "203.0.113.10", "203.0.113.1", asSent)));
        byte[] f = in.frame();
        int inner = L4 + 8;
        assertEquals("10.0.0.11", ip(f, inner + 12));
        assertEquals(0x42, u16(f, inner + 20 + 4));
        assertTrue(valid(f, inner + 20, f.length - inner - 20), "quoted ICMP checksum");
        assertIpAndIcmpChecksums(f);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void errorsThatMatchNoBindingNeverReachInside(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        byte[] forged = IcmpFramesForTest.udp(GW_OUT, ROUTER, "203.0.113.1", 6000, "198.51.100.7", 53, 63);
        assertEquals(List.of(), h.packetIn(OUT, IcmpFramesForTest.error(3, 3, ROUTER, GW_OUT, "198.51.100.7", "203.0.113.1", forged)));
        assertEquals(1, h.counter("nat.icmp.dropped.error_no_binding"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anErrorFromAnInsideHostLeavesWithThePublicEndpoint(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P1, IcmpFramesForTest.udp(H1, GW_IN, "10.0.0.11", 5555, "198.51.100.7", 53, 64));
        byte[] delivered = IcmpFramesForTest.udp(GW_IN, H1, "198.51.100.7", 53, "10.0.0.11", 5555, 60);
        Sent out = sent(h.packetIn(P1, IcmpFramesForTest.error(3, 3, H1, GW_IN, "10.0.0.11", "198.51.100.7", delivered)));
        byte[] f = out.frame();
        int inner = L4 + 8;
        assertEquals(3, out.port());
        assertEquals("203.0.113.1", ip(f, IP + 12));
        assertEquals("203.0.113.1", ip(f, inner + 16));
        assertEquals(5555, u16(f, inner + 22));
        assertTrue(valid(f, inner, 20));
        assertTrue(validTransport(f, inner, inner + 20, f.length - inner - 20, 17));
        assertIpAndIcmpChecksums(f);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theGatewayAnswersPingsToItsOwnAddresses(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        Sent inside = sent(h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "10.0.0.1", 9, 1, 64)));
        assertEquals(1, inside.port());
        assertEquals(0, inside.frame()[L4]);
        assertEquals("10.0.0.1", ip(inside.frame(), IP + 12));
        assertIpAndIcmpChecksums(inside.frame());
        Sent own = sent(h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "203.0.113.1", 9, 1, 64)));
        assertEquals(1, own.port(), "the gateway answers for its public address too, never loops it outside");
        assertEquals("203.0.113.1", ip(own.frame(), IP + 12));
        assertIpAndIcmpChecksums(own.frame());
        Sent outside = sent(h.packetIn(OUT, IcmpFramesForTest.echo(8, ROUTER, GW_OUT, "203.0.113.10", "203.0.113.1", 9, 1, 64)));
        assertEquals(3, outside.port());
        assertEquals("203.0.113.1", ip(outside.frame(), IP + 12));
        assertEquals(ROUTER, MacAddress.of(Arrays.copyOfRange(outside.frame(), 0, 6)));
        assertIpAndIcmpChecksums(outside.frame());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void icmpIsRateLimitedPerInsideHost(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        int sentCount = 0;
        for (int i = 0; i < 300; i++) {
            sentCount += h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "198.51.100.7", 1, i, 64)).size();
        }
        assertEquals((int) NatEngine.ICMP_PER_HOST_BURST, sentCount);
        assertEquals(300 - sentCount, h.counter("nat.icmp.rate_limited"));
        assertEquals(1, h.packetIn(P2, IcmpFramesForTest.echo(8, H2, GW_IN, "10.0.0.12", "198.51.100.7", 1, 0, 64)).size(),
                "another host is not affected");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theSwitchIsAskedToPuntTtlExpiredPackets(OFVersion v) {
        EngineHarness h = new EngineHarness(v);
        List<OFMessage> out = h.engine.onConnect(h.now);
        if (v == OFVersion.OF_13) {
            OFAsyncSet async = out.stream().filter(m -> m instanceof OFAsyncSet).map(m -> (OFAsyncSet) m)
                    .findFirst().orElseThrow();
            assertEquals(0b111, async.getPacketInMaskEqualMaster(), "no match, action, invalid TTL");
            assertEquals(0b1111, async.getFlowRemovedMaskEqualMaster(), "flow-removed stays on");
        } else {
            assertTrue(out.stream().noneMatch(m -> m instanceof OFSetConfig),
                    "OF1.0 has no way to ask for it (documented degradation)");
        }
    }
}
