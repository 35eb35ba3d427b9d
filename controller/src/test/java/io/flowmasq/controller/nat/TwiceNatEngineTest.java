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

import io.flowmasq.flowcompiler.FlowDump;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.U64;

/** Twice NAT in the engine: pairs made from either side's first packet, expired together, rebuilt afresh. */
class TwiceNatEngineTest {
    private static final String RULES = """
            [{"id": "site-b", "type": "twice", "inside": "10.0.0.0/24", "insideAs": "10.88.0.0/24",
              "outside": "10.0.0.0/24", "outsideAs": "10.99.0.0/24"},
             {"id": "lan", "type": "masquerade"}]""";
    /** The first pair's cookie: rule 1, entry 0. */
    private static final long PAIR = RuleCookies.flow(1, 0).getValue();
    private static final long TRAPS = RuleCookies.flow(1, RuleCookies.RULE_ENTRY).getValue();

    private static EngineHarness harness(OFVersion v, String rules) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.config(rules));
        RuleEngines.hostAnswers(h, P1, H1, "10.0.0.11");
        RuleEngines.hostAnswers(h, P2, H2, "10.0.0.12");
        return h;
    }

    private static byte[] h1ToB1() {
        return Frames.tcp(H1, GW_IN, "10.0.0.11", 41000, "10.99.0.21", 80, Frames.SYN);
    }

    private static byte[] b1ToH1() {
        return Frames.tcp(ROUTER, GW_OUT, "10.0.0.21", 80, "10.88.0.11", 41000, Frames.SYN);
    }

    private static void assertPairWorks(EngineHarness h) {
        SimResult.Output out = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5000,
                "10.99.0.21", 53)).only();
        assertEquals(3, out.port());
        assertEquals("10.88.0.11", out.packet().ipv4Src().toString());
        assertEquals("10.0.0.21", out.packet().ipv4Dst().toString());
        SimResult.Output in = h.table.process(SimPacket.ipv4(OUT, ROUTER, GW_OUT, IpProtocol.UDP, "10.0.0.21", 53,
                "10.88.0.11", 5000)).only();
        assertEquals(1, in.port());
        assertEquals("10.99.0.21", in.packet().ipv4Src().toString());
        assertEquals("10.0.0.11", in.packet().ipv4Dst().toString());
        assertEquals(H1, in.packet().ethDst());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theOutboundFirstPacketInstallsThePairAndGoesOutRewritten(OFVersion v) {
        EngineHarness h = harness(v, RULES);
        assertEquals(5, h.table.entriesWithCookie(TRAPS).size(), "one trap per inside port (4) and one inbound");
        EngineHarness.Switched first = h.switchReceives(P1, h1ToB1());
        assertTrue(first.result().toController());
        assertEquals(TRAPS, first.result().cookie());

        List<FlowTableSimulator.Entry> pair = h.table.entriesWithCookie(PAIR);
        assertEquals(2, pair.size());
        assertEquals(1, pair.stream().filter(e -> e.idleTimeout() == TwiceNatRuntime.IDLE_TIMEOUT_SECONDS
                && e.sendFlowRemoved()).count(), "the outbound flow idles out and reports it; the inbound does not");
        List<OFPacketOut> outs = RuleEngines.packetOuts(first.messages());
        assertEquals(1, outs.size());
        String line = FlowDump.line(outs.get(0));
        assertTrue(line.contains("set_ipv4_src:10.88.0.11") && line.contains("set_ipv4_dst:10.0.0.21")
                && line.contains("output:3"), line);
        assertPairWorks(h);
        assertEquals(1, h.counter("nat.rule.twice_pair_installed"));
        assertEquals(0, h.engine.bindings().size(), "a pair is not a binding");

        // another first packet of the same pair (a retransmission in flight): forwarded, nothing re-installed
        List<OFMessage> again = h.packetIn(P1, h1ToB1());
        assertEquals(1, again.size(), again.toString());
        assertEquals(1, h.counter("nat.rule.twice_pair_installed"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theInboundFirstPacketFromSiteBInstallsItToo(OFVersion v) {
        EngineHarness h = harness(v, RULES);
        EngineHarness.Switched first = h.switchReceives(OUT, b1ToH1());
        assertTrue(first.result().toController());
        assertEquals(2, h.table.entriesWithCookie(PAIR).size());
        String line = FlowDump.line(RuleEngines.packetOuts(first.messages()).get(0));
        assertTrue(line.contains("set_ipv4_src:10.99.0.21") && line.contains("set_ipv4_dst:10.0.0.11")
                && line.contains("output:1"), line);
        assertPairWorks(h);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anUnknownInsideHostIsAskedForAndThePacketDropped(OFVersion v) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.config(RULES));
        List<OFMessage> out = h.switchReceives(OUT, b1ToH1()).messages();
        assertEquals(0, h.table.entriesWithCookie(PAIR).size());
        assertEquals(1, h.counter("nat.rule.twice_unresolved"));
        assertEquals(4, RuleEngines.packetOuts(out).size(), "an ARP request out of each inside port: " + out);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theOutboundFlowExpiringTakesTheInboundOneWithIt(OFVersion v) {
        EngineHarness h = harness(v, RULES);
        h.switchReceives(P1, h1ToB1());
        FlowTableSimulator.Entry outbound = h.table.entriesWithCookie(PAIR).stream()
                .filter(e -> e.idleTimeout() > 0).findFirst().orElseThrow();
        FlowTableSimulator.Entry inbound = h.table.entriesWithCookie(PAIR).stream()
                .filter(e -> e.idleTimeout() == 0).findFirst().orElseThrow();
        h.now += 300_000;
        List<OFMessage> out = h.engine.onFlowRemoved(h.factory.buildFlowRemoved().setCookie(U64.of(PAIR))
                .setPriority(outbound.priority()).setMatch(outbound.match())
                .setReason(OFFlowRemovedReason.IDLE_TIMEOUT).setIdleTimeout(outbound.idleTimeout()).build(), h.now);

        assertEquals(1, h.counter("nat.rule.twice_pair_expired"));
        List<String> lines = FlowDump.lines(out);
        // OF1.3: the pair's cookie, exactly (both flows); OF1.0: the inbound flow, strictly
        String delete = v == OFVersion.OF_13
                ? "delete cookie=" + String.format("0x%016x", PAIR) + "/0xffffffffffffffff"
                : "delete_strict priority=" + inbound.priority() + " " + FlowDump.match(inbound.match());
        // (the ledger deletes each flow it recorded: the outbound one, already gone, too)
        assertTrue(lines.contains(delete), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(l -> l.startsWith("delete") && l.contains("10.0.0.11")
                || l.equals(delete)), String.join("\n", lines));
        h.apply(out);
        assertTrue(h.table.entriesWithCookie(PAIR).stream().noneMatch(e -> e.idleTimeout() == 0),
                "the inbound flow is gone");
        // the pair is forgotten: the next first packet makes it again, on the entry set free
        h.table.expire(PAIR);
        h.routerAnswersArp(); // its entry aged out meanwhile
        h.switchReceives(P1, h1ToB1());
        assertEquals(2, h.table.entriesWithCookie(PAIR).size());
        assertEquals(2, h.counter("nat.rule.twice_pair_installed"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theRebuildDropsPairFlowsButKeepsTheTraps(OFVersion v) {
        EngineHarness h = harness(v, RULES);
        h.switchReceives(P1, h1ToB1());
        // the switch reconnects: the engine sends its flows again, then checks what the switch still has
        h.apply(h.engine.onConnect(h.now));
        NatEngine.Rebuilt r = h.engine.reconcile(BindingRebuildTest.dump(h), h.now);
        List<String> deletes = FlowDump.lines(r.messages());
        h.apply(r.messages());
        assertEquals(0, h.table.entriesWithCookie(PAIR).size(), String.join("\n", deletes));
        assertEquals(5, h.table.entriesWithCookie(TRAPS).size(), "the traps stay");
        // the next first packet re-makes the pair
        h.switchReceives(P1, h1ToB1());
        assertPairWorks(h);
    }

    /**
     * A static rule before the twice rule takes its host's traffic (first match wins); no pair is made for that
     * host, even from site B, since its flows would collide with the static host's at one priority.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void noPairForAHostOfAnEarlierStaticRule(OFVersion v) {
        EngineHarness h = harness(v, """
                [{"id": "h2", "type": "static", "inside": "10.0.0.12", "public": "203.0.113.12"},
                 {"id": "site-b", "type": "twice", "inside": "10.0.0.0/24", "insideAs": "10.88.0.0/24",
                  "outside": "10.0.0.0/24", "outsideAs": "10.99.0.0/24"},
                 {"id": "lan", "type": "masquerade"}]""");
        h.now += 1_000;
        h.apply(h.engine.onTick(h.now));
        long pair = RuleCookies.flow(2, 0).getValue();
        h.switchReceives(OUT, Frames.tcp(ROUTER, GW_OUT, "10.0.0.21", 80, "10.88.0.12", 41000, Frames.SYN));
        assertEquals(0, h.table.entriesWithCookie(pair).size());
        assertEquals(1, h.counter("nat.rule.twice_static_host"));
        // h2's own traffic to site B leaves by its static flows
        SimResult.Output out = h.table.process(SimPacket.ipv4(P2, H2, GW_IN, IpProtocol.TCP, "10.0.0.12", 41000,
                "10.99.0.21", 80)).only();
        assertEquals("203.0.113.12", out.packet().ipv4Src().toString());
        // h1 is the twice rule's
        h.switchReceives(OUT, Frames.tcp(ROUTER, GW_OUT, "10.0.0.21", 80, "10.88.0.11", 41000, Frames.SYN));
        assertEquals(2, h.table.entriesWithCookie(pair).size());
        assertFalse(h.counter("nat.rule.twice_pair_installed") == 0);
    }
}
