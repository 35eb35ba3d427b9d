package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static io.flowmasq.controller.nat.RuleEngines.H3;
import static io.flowmasq.controller.nat.RuleEngines.H4;
import static io.flowmasq.controller.nat.RuleEngines.H5;
import static io.flowmasq.controller.nat.RuleEngines.P4;
import static io.flowmasq.controller.nat.RuleEngines.P5;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Golden flow table of the engine with {@code examples/rules.json} (every form): connect, the next hop and the
 * inside hosts answer ARP, the forwards' retry comes round; the whole table the switch then holds, one flow a
 * line, sorted. After an intended change, regenerate the golden file and read the diff line by line. Then the
 * table (the engine's own messages applied to a simulated switch) translates a packet of each form.
 */
class RuleFlowTableTest {
    /** The example's chain with every host known: h1, h2 (static), h3/h4 (forwards, servers), h5 (netmap). */
    static EngineHarness exampleSwitch(OFVersion v) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.example());
        RuleEngines.hostAnswers(h, P1, H1, "10.0.0.11");
        RuleEngines.hostAnswers(h, P2, H2, "10.0.0.12");
        RuleEngines.hostAnswers(h, P4, H3, "10.0.0.13");
        RuleEngines.hostAnswers(h, P5, H4, "10.0.0.14");
        RuleEngines.hostAnswers(h, P5, H5, "10.0.0.17");
        h.now += PortForwardRuntime.RETRY_MS;
        h.apply(h.engine.onTick(h.now));
        return h;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theTableOfEveryForm(OFVersion v) throws IOException {
        EngineHarness h = exampleSwitch(v);
        String table = String.join("\n", RuleEngines.tableLines(h.table)) + "\n";
        assertEquals(golden("rules-engine-table-" + RuleEngines.version(v)), table);
    }

    private static SimResult fromOutside(EngineHarness h, IpProtocol p, String src, int sport, String dst, int dport) {
        return h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, p, src, sport, dst, dport));
    }

    private static SimResult fromInside(EngineHarness h, OFPort port, MacAddress mac, IpProtocol p, String src,
                                        int sport, String dst, int dport) {
        return h.table.process(SimPacket.ipv4(port, mac, GW_IN, p, src, sport, dst, dport));
    }

    private static void assertOut(SimResult r, int port, String src, int sport, String dst, int dport) {
        SimResult.Output o = r.only();
        assertEquals(port, o.port(), r.toString());
        assertEquals(src, o.packet().ipv4Src().toString(), r.toString());
        assertEquals(sport, o.packet().l4Src(), r.toString());
        assertEquals(dst, o.packet().ipv4Dst().toString(), r.toString());
        assertEquals(dport, o.packet().l4Dst(), r.toString());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theProactiveFormsTranslateInTheSwitch(OFVersion v) {
        EngineHarness h = exampleSwitch(v);
        // port forwards, TCP and a UDP span (inside port = first inside port + offset)
        assertOut(fromOutside(h, IpProtocol.TCP, "198.51.100.7", 40000, "203.0.113.1", 8080),
                4, "198.51.100.7", 40000, "10.0.0.13", 8080);
        assertOut(fromOutside(h, IpProtocol.UDP, "198.51.100.7", 40001, "203.0.113.1", 5003),
                4, "198.51.100.7", 40001, "10.0.0.13", 5003);
        assertOut(fromInside(h, P4, H3, IpProtocol.TCP, "10.0.0.13", 8080, "198.51.100.7", 40000),
                3, "203.0.113.1", 8080, "198.51.100.7", 40000);
        // static 1:1, both directions, any protocol and port
        assertOut(fromOutside(h, IpProtocol.UDP, "198.51.100.7", 53, "203.0.113.12", 7777),
                2, "198.51.100.7", 53, "10.0.0.12", 7777);
        assertOut(fromInside(h, P2, H2, IpProtocol.TCP, "10.0.0.12", 33000, "198.51.100.7", 443),
                3, "203.0.113.12", 33000, "198.51.100.7", 443);
        // netmap keeps the host bits: 10.0.0.17 <-> 203.0.113.49
        assertOut(fromOutside(h, IpProtocol.TCP, "198.51.100.7", 40000, "203.0.113.49", 22),
                5, "198.51.100.7", 40000, "10.0.0.17", 22);
        assertOut(fromInside(h, P5, H5, IpProtocol.UDP, "10.0.0.17", 5353, "198.51.100.7", 53),
                3, "203.0.113.49", 5353, "198.51.100.7", 53);
        // L2: to the host's MAC, from the gateway's
        SimResult.Output in = fromOutside(h, IpProtocol.TCP, "198.51.100.7", 1, "203.0.113.12", 2).only();
        assertEquals(H2, in.packet().ethDst());
        assertEquals(GW_IN, in.packet().ethSrc());
        SimResult.Output out = fromInside(h, P2, H2, IpProtocol.TCP, "10.0.0.12", 2, "198.51.100.7", 1).only();
        assertEquals(ROUTER, out.packet().ethDst());
        assertEquals(GW_OUT, out.packet().ethSrc());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theReactiveFormsTrapTheFirstPacketThenTranslateInTheSwitch(OFVersion v) {
        EngineHarness h = exampleSwitch(v);
        // twice NAT: h1 reaches b1 (10.0.0.21 at site B) as 10.99.0.21; the trap sends the first packet up
        byte[] toB1 = Frames.tcp(H1, GW_IN, "10.0.0.11", 41000, "10.99.0.21", 80, Frames.SYN);
        EngineHarness.Switched first = h.switchReceives(P1, toB1);
        assertTrue(first.result().toController(), first.result().toString());
        assertFalse(RuleEngines.packetOuts(first.messages()).isEmpty(), "the first packet goes out translated");
        assertOut(fromInside(h, P1, H1, IpProtocol.TCP, "10.0.0.11", 41000, "10.99.0.21", 80),
                3, "10.88.0.11", 41000, "10.0.0.21", 80);
        assertOut(fromOutside(h, IpProtocol.TCP, "10.0.0.21", 80, "10.88.0.11", 41000),
                1, "10.99.0.21", 80, "10.0.0.11", 41000);

        // pool 'staff' (10.0.0.0/25): h1 gets the first free pool address and keeps its port
        EngineHarness.Switched pooled = h.switchReceives(P1,
                Frames.tcp(H1, GW_IN, "10.0.0.11", 42000, "198.51.100.7", 80, Frames.SYN));
        assertTrue(pooled.result().toController());
        SimResult pool = fromInside(h, P1, H1, IpProtocol.TCP, "10.0.0.11", 42000, "198.51.100.7", 80);
        String leased = pool.only().packet().ipv4Src().toString();
        assertTrue(leased.startsWith("203.0.113.2") || leased.startsWith("203.0.113.4"), leased);
        assertOut(pool, 3, leased, 42000, "198.51.100.7", 80);

        // masquerade 'lan' (the rest of 10.0.0.0/24) over 203.0.113.1 and .2
        MacAddress h200 = MacAddress.of("00:00:00:00:00:c8");
        h.switchReceives(P1, Frames.udp(h200, GW_IN, "10.0.0.200", 5000, "198.51.100.7", 53, new byte[8]));
        SimResult.Output masq = fromInside(h, P1, h200, IpProtocol.UDP, "10.0.0.200", 5000, "198.51.100.7", 53)
                .only();
        assertEquals(3, masq.port());
        assertTrue(List.of("203.0.113.1", "203.0.113.2").contains(masq.packet().ipv4Src().toString()),
                masq.toString());

        // virtual server 'www': a SYN to the VIP is trapped, then the connection runs on its binding's flows
        EngineHarness.Switched syn = h.switchReceives(OUT,
                Frames.tcp(ROUTER, GW_OUT, "198.51.100.7", 50000, "203.0.113.80", 80, Frames.SYN));
        assertTrue(syn.result().toController());
        SimResult.Output toServer = fromOutside(h, IpProtocol.TCP, "198.51.100.7", 50000, "203.0.113.80", 80)
                .outputs().get(0);
        assertTrue(List.of("10.0.0.13", "10.0.0.14").contains(toServer.packet().ipv4Dst().toString()),
                toServer.toString());
        assertEquals(80, toServer.packet().l4Dst());
        OFPort serverPort = OFPort.of(toServer.port());
        MacAddress serverMac = serverPort.equals(P4) ? H3 : H4;
        assertOut(fromInside(h, serverPort, serverMac, IpProtocol.TCP, toServer.packet().ipv4Dst().toString(), 80,
                "198.51.100.7", 50000), 3, "203.0.113.80", 80, "198.51.100.7", 50000);
        assertNotNull(h.engine.bindings().all().stream().filter(b -> b.external().port() == 80).findFirst()
                .orElse(null));
    }

    static String golden(String name) throws IOException {
        try (InputStream in = RuleFlowTableTest.class.getResourceAsStream("/golden/" + name + ".txt")) {
            assertNotNull(in, "missing golden file " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
