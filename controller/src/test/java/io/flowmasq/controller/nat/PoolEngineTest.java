package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.RuleEngines.H3;
import static io.flowmasq.controller.nat.RuleEngines.P4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Pool rules in the engine: an address per host with its ports kept, exhaustion, fallback, return, rebuild. */
class PoolEngineTest {
    private static final String POOL = """
            [{"id": "staff", "type": "pool", "match": {"inside": "10.0.0.0/25"},
              "addresses": ["203.0.113.20-203.0.113.21"]%s},
             {"id": "lan", "type": "masquerade"}]""";
    private static final Set<String> ADDRESSES = Set.of("203.0.113.20", "203.0.113.21");
    private static final int REUSE_DELAY_S = 2;

    private static EngineHarness harness(OFVersion v, String fallback) {
        return new EngineHarness(v, config(fallback)).connected();
    }

    private static io.flowmasq.controller.config.SwitchConfig config(String fallback) {
        return RuleEngines.config(String.format(POOL, fallback), "\"portReuseDelaySeconds\": " + REUSE_DELAY_S);
    }

    private static byte[] tcp(MacAddress mac, String host, int port) {
        return Frames.tcp(mac, GW_IN, host, port, "198.51.100.7", 80, Frames.SYN);
    }

    private static List<OFMessage> send(EngineHarness h, OFPort port, MacAddress mac, String host, int srcPort) {
        return h.packetIn(port, tcp(mac, host, srcPort));
    }

    private static Endpoint externalOf(EngineHarness h, String host, int port) {
        return h.engine.bindings().all().stream().filter(b -> b.inside().equals(Endpoint.of(host, port)))
                .findFirst().orElseThrow().external();
    }

    private static Map<String, Object> status(EngineHarness h) {
        return h.engine.ruleStatuses(h.now).get(0).status();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aHostGetsAPoolAddressForAllItsSessionsWithItsPortsKept(OFVersion v) {
        EngineHarness h = harness(v, "");
        send(h, P1, H1, "10.0.0.11", 41000);
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5353, "198.51.100.8", 53, new byte[4]));
        send(h, P1, H1, "10.0.0.11", 41001);
        Endpoint first = externalOf(h, "10.0.0.11", 41000);
        assertTrue(ADDRESSES.contains(first.address().toString()), first.toString());
        assertEquals(41000, first.port(), "the host's own port: the address is its alone");
        assertEquals(Endpoint.of(first.address().toString(), 5353), externalOf(h, "10.0.0.11", 5353));
        assertEquals(Endpoint.of(first.address().toString(), 41001), externalOf(h, "10.0.0.11", 41001));
        // h2 gets the other address
        send(h, P2, H2, "10.0.0.12", 41000);
        Endpoint second = externalOf(h, "10.0.0.12", 41000);
        assertNotEquals(first.address(), second.address());
        assertEquals(41000, second.port());
        assertEquals(2, status(h).get("leased"));
        assertEquals(4, status(h).get("bindings"));
        // a host outside the pool's match is masqueraded
        h.packetIn(P1, tcp(MacAddress.of("00:00:00:00:00:c8"), "10.0.0.200", 41000));
        assertEquals("203.0.113.1", externalOf(h, "10.0.0.200", 41000).address().toString());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anExhaustedPoolRefusesWithAdminProhibitedAndEvictsNothing(OFVersion v) {
        EngineHarness h = harness(v, "");
        send(h, P1, H1, "10.0.0.11", 41000);
        send(h, P2, H2, "10.0.0.12", 41000);
        byte[] refused = tcp(H3, "10.0.0.13", 42000);
        List<OFMessage> out = h.packetIn(P4, refused);

        assertEquals(2, h.engine.bindings().size(), "nothing evicted, nothing made");
        assertEquals(1, h.counter("nat.pool.exhausted"));
        List<OFPacketOut> outs = RuleEngines.packetOuts(out);
        assertEquals(1, outs.size(), out.toString());
        byte[] icmp = outs.get(0).getData();
        assertEquals(P4, ((org.projectfloodlight.openflow.protocol.action.OFActionOutput) outs.get(0).getActions()
                .get(0)).getPort());
        assertArrayEquals(H3.getBytes(), Arrays.copyOfRange(icmp, 0, 6), "to the host");
        assertArrayEquals(GW_IN.getBytes(), Arrays.copyOfRange(icmp, 6, 12), "from the gateway");
        assertEquals(1, icmp[14 + 9], "ICMP");
        assertArrayEquals(new byte[] {10, 0, 0, 1}, Arrays.copyOfRange(icmp, 26, 30), "from the gateway's address");
        assertArrayEquals(new byte[] {10, 0, 0, 13}, Arrays.copyOfRange(icmp, 30, 34));
        assertEquals(3, icmp[34], "destination unreachable");
        assertEquals(13, icmp[35], "communication administratively prohibited");
        assertArrayEquals(Arrays.copyOfRange(refused, 14, 14 + 28), Arrays.copyOfRange(icmp, 42, 42 + 28),
                "quotes the refused packet's IP header and first 8 bytes");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void withAFallbackTheThirdHostIsMasqueradedOnIt(OFVersion v) {
        EngineHarness h = harness(v, ", \"fallback\": \"203.0.113.1\"");
        send(h, P1, H1, "10.0.0.11", 41000);
        send(h, P2, H2, "10.0.0.12", 41000);
        List<OFMessage> out = send(h, P4, H3, "10.0.0.13", 42000);
        assertEquals("203.0.113.1", externalOf(h, "10.0.0.13", 42000).address().toString());
        assertEquals(1, h.counter("nat.pool.fallback"));
        assertEquals(0, h.counter("nat.pool.exhausted"));
        assertTrue(out.stream().noneMatch(m -> m instanceof OFPacketOut p && p.getData().length > 34
                && p.getData()[34] == 3), "no ICMP");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theLastBindingsExpiryReturnsTheAddressAfterTheReuseDelay(OFVersion v) {
        EngineHarness h = harness(v, "");
        send(h, P1, H1, "10.0.0.11", 41000);
        send(h, P1, H1, "10.0.0.11", 41001);
        send(h, P2, H2, "10.0.0.12", 41000);
        String h1Address = externalOf(h, "10.0.0.11", 41000).address().toString();
        List<Long> h1Ids = h.engine.bindings().all().stream()
                .filter(b -> b.inside().address().toString().equals("10.0.0.11")).map(Binding::id).toList();

        h.expire(Cookies.binding(h1Ids.get(0)).getValue());
        assertEquals(2, status(h).get("leased"), "a session of h1 lives on: the lease is kept");
        h.expire(Cookies.binding(h1Ids.get(1)).getValue());
        assertEquals(1, status(h).get("leased"));
        assertEquals(1, status(h).get("cooling"));

        h.now += REUSE_DELAY_S * 1000L - 1;
        send(h, P4, H3, "10.0.0.13", 42000);
        assertEquals(1, h.counter("nat.pool.exhausted"), "still cooling");
        h.now += 1;
        send(h, P4, H3, "10.0.0.13", 42001);
        assertEquals(h1Address, externalOf(h, "10.0.0.13", 42001).address().toString());
        assertEquals(2, status(h).get("leased"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theRebuildAdoptsPoolBindingsAndTheirLeases(OFVersion v) {
        EngineHarness before = harness(v, "");
        send(before, P1, H1, "10.0.0.11", 41000);
        send(before, P1, H1, "10.0.0.11", 41001);
        String h1Address = externalOf(before, "10.0.0.11", 41000).address().toString();

        EngineHarness after = new EngineHarness(v, config(""));
        after.now = before.now + 5_000;
        after.apply(after.engine.onConnect(after.now));
        after.routerAnswersArp();
        NatEngine.Rebuilt r = after.engine.reconcile(BindingRebuildTest.dump(before), after.now);
        assertEquals(2, r.summary().adopted());
        assertEquals(Set.of(1), after.engine.bindings().all().stream().map(Binding::rule).collect(Collectors.toSet()),
                "the pool rule's bindings");
        assertEquals(1, status(after).get("leased"));
        // h1 keeps its address for new sessions; h2 gets the other; the pool is then exhausted
        send(after, P1, H1, "10.0.0.11", 41002);
        assertEquals(h1Address, externalOf(after, "10.0.0.11", 41002).address().toString());
        send(after, P2, H2, "10.0.0.12", 41000);
        assertNotEquals(h1Address, externalOf(after, "10.0.0.12", 41000).address().toString());
        send(after, P4, H3, "10.0.0.13", 41000);
        assertEquals(1, after.counter("nat.pool.exhausted"));
        // the lease is held once per mapping: expiring h1's three sessions returns the address
        for (Binding b : after.engine.bindings().all().stream()
                .filter(b -> b.inside().address().toString().equals("10.0.0.11")).toList()) {
            // (the adopted bindings' flows are in the old table: the switch reports them directly)
            after.apply(after.engine.onFlowRemoved(after.factory.buildFlowRemoved()
                    .setCookie(Cookies.binding(b.id())).setPriority(20000)
                    .setMatch(after.factory.buildMatch().setExact(MatchField.IN_PORT, P1).build())
                    .setReason(OFFlowRemovedReason.IDLE_TIMEOUT).setIdleTimeout(300).build(), after.now));
        }
        assertEquals(1, status(after).get("leased"));
        assertEquals(1, status(after).get("cooling"));
    }
}
