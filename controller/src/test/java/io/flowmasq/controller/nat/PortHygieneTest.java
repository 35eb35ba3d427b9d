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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;

/** Port allocation hygiene in the engine (RFC 6056, RFC 4787, RFC 7857): the fake clock, seeded ports. */
class PortHygieneTest {
    private static final byte[] PAYLOAD = "hello".getBytes();
    private static final long DELAY_MS = SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS * 1000L;

    private static Binding udp(EngineHarness h, MacAddress mac, String inside, int port) {
        h.packetIn(mac.equals(H2) ? P2 : P1, Frames.udp(mac, GW_IN, inside, port, "198.51.100.7", 53, PAYLOAD));
        return h.engine.bindings().byInside(Protocol.UDP, Endpoint.of(inside, port)).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anExpiredPortGoesToAnotherEndpointOnlyAfterTheReuseDelay(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        Binding old = udp(h, H1, "10.0.0.11", 45555);
        assertEquals(45555, old.external().port());
        h.now += 1_000;
        h.expire(Cookies.binding(old.id()).getValue());
        long freedAt = h.now;

        // h2 asks for the same port (preservation) twice within the delay: another port each time
        h.now = freedAt + NaptAllocator.SETTLE_MS;
        h.routerAnswersArp();
        Binding early = udp(h, H2, "10.0.0.12", 45555);
        assertNotEquals(45555, early.external().port(), "released " + (h.now - freedAt) + " ms ago");
        h.expire(Cookies.binding(early.id()).getValue());
        h.now = freedAt + DELAY_MS - 1;
        h.routerAnswersArp();
        Binding late = udp(h, H2, "10.0.0.12", 45555);
        assertNotEquals(45555, late.external().port(), "1 ms before the delay ends");
        h.expire(Cookies.binding(late.id()).getValue());
        assertEquals(3, h.counter("nat.binding_expired"));

        h.now = freedAt + DELAY_MS;
        h.routerAnswersArp();
        Binding after = udp(h, H2, "10.0.0.12", 45555);
        assertEquals(45555, after.external().port(), "the delay has passed: preserved for h2");
        SimResult in = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 53,
                "203.0.113.1", 45555));
        assertEquals(H2, in.only().packet().ethDst(), "replies reach h2 now");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aZeroReuseDelayHandsTheFreedPortToAnotherEndpointAtOnce(OFVersion v) {
        SwitchConfig config = EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC).withPortReuseDelaySeconds(0);
        EngineHarness h = new EngineHarness(v, config).connected();
        Binding old = udp(h, H1, "10.0.0.11", 45555);
        h.expire(Cookies.binding(old.id()).getValue());
        assertEquals(45555, udp(h, H2, "10.0.0.12", 45555).external().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void whenOnlyCoolingPortsAreLeftANewBindingIsRefusedNotGivenACoolingPort(OFVersion v) {
        EngineHarness h = new EngineHarness(v, new PortRange(2000, 2001), TimerConfig.RFC).connected();
        Binding a = udp(h, H1, "10.0.0.11", 2000);
        Binding b = udp(h, H1, "10.0.0.11", 2001);
        h.expire(Cookies.binding(a.id()).getValue());
        h.expire(Cookies.binding(b.id()).getValue());
        h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 2000, "198.51.100.7", 53, PAYLOAD));
        assertTrue(h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 2000)).isEmpty());
        assertEquals(1, h.counter("nat.allocation_failed"), "counted as exhaustion");
        h.now += DELAY_MS;
        h.routerAnswersArp();
        assertEquals(2000, udp(h, H2, "10.0.0.12", 2000).external().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anOperatorMayTakeACoolingPortForAStaticBinding(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        Binding old = udp(h, H1, "10.0.0.11", 5555);
        h.apply(h.engine.deleteBinding(old.id(), h.now).orElseThrow());
        h.packetIn(P2, Frames.arp(1, MacAddress.BROADCAST, H2, "10.0.0.12", MacAddress.NONE, "10.0.0.1"));
        StaticOutcome out = h.engine.createStatic(new StaticRequest(Protocol.UDP, Endpoint.of("10.0.0.12", 7000),
                Endpoint.of("203.0.113.1", 5555)), h.now);
        assertTrue(out instanceof StaticOutcome.Created, "explicit operator intent: " + out);
        h.apply(((StaticOutcome.Created) out).messages());
        SimResult in = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 53,
                "203.0.113.1", 5555));
        assertEquals(H2, in.only().packet().ethDst());
    }

    /** RFC 4787 REQ-1 and no port overloading: one mapping per inside endpoint, even with one source port. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aHundredClientsWithTheSameSourcePortGetAHundredMappings(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        Set<Integer> publicPorts = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String inside = "10.0.0." + (100 + i);
            MacAddress mac = MacAddress.of(0x020000000100L + i);
            h.packetIn(P1, Frames.udp(mac, GW_IN, inside, 40000, "198.51.100.7", 7, PAYLOAD));
            Binding b = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of(inside, 40000)).orElseThrow();
            assertEquals(IPv4Address.of("203.0.113.1"), b.external().address());
            assertTrue(publicPorts.add(b.external().port()), "public port used twice: " + b.external());
        }
        assertTrue(publicPorts.contains(40000), "the first keeps its port");
        // and a reply to each public port reaches its own client
        for (Binding b : h.engine.bindings().all()) {
            SimResult r = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "198.51.100.7", 7,
                    "203.0.113.1", b.external().port()));
            assertEquals(b.inside().address(), r.only().packet().ipv4Dst());
            assertEquals(40000, r.only().packet().l4Dst());
        }
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void icmpIdentifiersThatCollideAreRandomAndCoolAfterExpiry(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        sentId(h.packetIn(P1, IcmpFramesForTest.echo(8, H1, GW_IN, "10.0.0.11", "198.51.100.7", 7, 1, 64)));
        int other = sentId(h.packetIn(P2, IcmpFramesForTest.echo(8, H2, GW_IN, "10.0.0.12", "198.51.100.7", 8, 1,
                64)));
        assertEquals(8, other, "a free identifier is kept");
        h.now += 60_000;
        h.engine.onTick(h.now); // both mappings expire; identifiers 7 and 8 cool
        int again = sentId(h.packetIn(P2, IcmpFramesForTest.echo(8, H2, GW_IN, "10.0.0.12", "198.51.100.7", 7, 1,
                64)));
        assertNotEquals(7, again, "h1's identifier is cooling");
        assertNotEquals(8, again);
        assertTrue(again > 100, "random, not the next one: " + again);
    }

    private static int sentId(List<OFMessage> out) {
        OFPacketOut po = (OFPacketOut) out.stream().filter(m -> m instanceof OFPacketOut).findFirst().orElseThrow();
        assertEquals(3, ((OFActionOutput) po.getActions().get(0)).getPort().getPortNumber());
        return IcmpFramesForTest.u16(po.getData(), 34 + 4);
    }
}
