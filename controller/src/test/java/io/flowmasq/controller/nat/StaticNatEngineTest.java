package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.packet.ArpFrames;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.FlowDump;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;

/** Static 1:1 and netmap rules in the engine: ARP sweeps, flows once hosts answer, moves, unseen hosts. */
class StaticNatEngineTest {
    private static final String LAB = """
            [{"id": "lab", "type": "netmap", "inside": "10.0.0.16/28", "public": "203.0.113.48/28"},
             {"id": "lan", "type": "masquerade"}]""";
    private static final MacAddress H17 = MacAddress.of("00:00:00:00:00:17");

    private static List<String> arpTargets(List<OFMessage> out) {
        List<String> targets = new ArrayList<>();
        for (OFPacketOut p : RuleEngines.packetOuts(out)) {
            byte[] d = p.getData();
            if (d.length >= 42 && d[12] == 0x08 && d[13] == 0x06) {
                targets.add(IPv4Address.of(java.util.Arrays.copyOfRange(d, 38, 42)) + "@" + FlowDump.line(p)
                        .replaceAll(".*actions=output:(\\d+).*", "$1"));
            }
        }
        return targets;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theConnectSweepAsksForEveryHostOfThePrefixOnEveryInsidePort(OFVersion v) {
        EngineHarness h = new EngineHarness(v, RuleEngines.config(LAB));
        List<OFMessage> out = h.engine.onConnect(h.now);
        h.apply(out);
        List<String> asked = arpTargets(out);
        // 10.0.0.16/28: all 16 addresses are hosts of 10.0.0.0/24; 4 inside ports; plus the next hop on port 3
        assertEquals(16 * 4 + 1, asked.size(), asked.toString());
        assertTrue(asked.contains("10.0.0.16@1") && asked.contains("10.0.0.31@5"), asked.toString());
        // nothing before the next sweep; then only the hosts still unknown
        h.routerAnswersArp();
        RuleEngines.hostAnswers(h, P2, H17, "10.0.0.17");
        h.now += 1_000;
        List<OFMessage> tick = h.engine.onTick(h.now);
        assertEquals(List.of(), arpTargets(tick));
        h.now += StaticNatRuntime.SWEEP_MS;
        List<String> again = arpTargets(h.engine.onTick(h.now));
        assertEquals(15 * 4, again.size(), again.toString());
        assertTrue(again.stream().noneMatch(a -> a.startsWith("10.0.0.17@")), again.toString());
    }

    /** Every host of the prefix once per sweep (the network, gateway and broadcast addresses are no hosts). */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aSweepAsksForEachHostOnce(OFVersion v) {
        EngineHarness h = new EngineHarness(v, RuleEngines.config("""
                [{"id": "big", "type": "netmap", "inside": "10.0.0.0/24", "public": "203.0.114.0/24"}]"""));
        List<String> asked = arpTargets(h.engine.onConnect(h.now)).stream()
                .filter(a -> !a.startsWith("203.")).toList();
        assertEquals(253 * 4, asked.size());
        assertEquals(253 * 4, new java.util.HashSet<>(asked).size(), "no host twice");
        assertTrue(asked.stream().noneMatch(a -> a.startsWith("10.0.0.0@") || a.startsWith("10.0.0.1@")
                || a.startsWith("10.0.0.255@")), asked.toString());
        assertTrue(StaticNatRuntime.ARP_PER_SWEEP >= 253, "this switch's /24 fits in one sweep");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void flowsWhenTheHostAnswersAndAgainWhenItMoves(OFVersion v) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.config(LAB));
        long cookie = RuleCookies.flow(1, 1).getValue(); // 10.0.0.17 is offset 1 of the prefix
        assertEquals(0, h.table.entriesWithCookie(cookie).size());
        RuleEngines.hostAnswers(h, P1, H17, "10.0.0.17");
        h.now += 1_000;
        h.apply(h.engine.onTick(h.now));
        assertEquals(2, h.table.entriesWithCookie(cookie).size());
        assertEquals(1, h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.TCP, "198.51.100.7", 1,
                "203.0.113.49", 22)).only().port());

        // the host moves to port 2: the old outbound flow (matching port 1) is deleted, new ones installed
        RuleEngines.hostAnswers(h, P2, H17, "10.0.0.17");
        h.now += 1_000;
        List<OFMessage> moved = h.engine.onTick(h.now);
        assertTrue(FlowDump.lines(moved).stream().anyMatch(l -> l.startsWith("delete")), FlowDump.dump(moved));
        h.apply(moved);
        assertEquals(2, h.table.entriesWithCookie(cookie).size(), FlowDump.dumpTable(h.table));
        assertEquals(2, h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.TCP, "198.51.100.7", 1,
                "203.0.113.49", 22)).only().port());
        SimResult fromOldPort = h.table.process(SimPacket.ipv4(P1, H17, GW_IN, IpProtocol.TCP, "10.0.0.17", 22,
                "198.51.100.7", 1));
        assertTrue(fromOldPort.outputs().stream().noneMatch(o -> o.port() == 3
                && o.packet().ipv4Src().toString().equals("203.0.113.49")), fromOldPort.toString());
        assertEquals(2, h.counter("nat.rule.static_host_installed"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anUnseenHostsFirstPacketInstallsItsFlowsAndGoesOut(OFVersion v) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.config(LAB));
        EngineHarness.Switched first = h.switchReceives(P1, Frames.udp(H17, GW_IN, "10.0.0.17", 5353,
                "198.51.100.7", 53, new byte[4]));
        assertTrue(first.result().toController());
        List<OFPacketOut> outs = RuleEngines.packetOuts(first.messages());
        assertEquals(1, outs.size());
        String line = FlowDump.line(outs.get(0));
        assertTrue(line.contains("set_ipv4_src:203.0.113.49") && line.contains("output:3"), line);
        SimResult.Output out = h.table.process(SimPacket.ipv4(P1, H17, GW_IN, IpProtocol.UDP, "10.0.0.17", 5353,
                "198.51.100.7", 53)).only();
        assertEquals("203.0.113.49", out.packet().ipv4Src().toString());
        assertEquals(0, h.engine.bindings().size(), "no binding: the rule's flows carry it");
    }
}
