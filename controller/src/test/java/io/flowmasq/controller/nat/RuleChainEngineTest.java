package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.RuleEngines.H3;
import static io.flowmasq.controller.nat.RuleEngines.P4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowDump;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;

/** Runtime changes to a switch's chain: insert and shift, first match, deletes, refusals, new static rules. */
class RuleChainEngineTest {
    /** Two masquerade rules: 10.0.0.0/28 on .5, the rest on .6 (neither the switch's own address). */
    private static final String TWO = """
            [{"id": "small", "type": "masquerade", "match": {"inside": "10.0.0.0/28"}, "addresses": ["203.0.113.5"]},
             {"id": "rest", "type": "masquerade", "addresses": ["203.0.113.6"]}]""";
    private static final MacAddress H200 = MacAddress.of("00:00:00:00:00:c8");
    private static final String WEB = """
            {"id": "web", "type": "portForward", "protocol": "tcp", "public": "203.0.113.1:8080",
             "inside": "10.0.0.13:8080"}""";
    private static final long WEB_COOKIE = Cookies.binding(RuleCookies.forwardId(10, 0)).getValue();

    /** The chain TWO with h1 (small) and 10.0.0.200 (rest) each holding a binding. */
    private static EngineHarness harness(OFVersion v) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.config(TWO));
        RuleEngines.hostAnswers(h, P1, H1, "10.0.0.11");
        RuleEngines.hostAnswers(h, P2, H2, "10.0.0.12");
        RuleEngines.hostAnswers(h, P4, H3, "10.0.0.13");
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "198.51.100.7", 53, new byte[4]));
        h.packetIn(P1, Frames.udp(H200, GW_IN, "10.0.0.200", 5000, "198.51.100.7", 53, new byte[4]));
        return h;
    }

    private static List<String> positions(EngineHarness h) {
        return h.engine.ruleStatuses(h.now).stream().map(s -> s.position() + ":" + s.rule().id()).toList();
    }

    private static Endpoint externalOf(EngineHarness h, String host, int port) {
        return h.engine.bindings().all().stream().filter(b -> b.inside().equals(Endpoint.of(host, port)))
                .findFirst().orElseThrow().external();
    }

    private static RuleChange.Applied add(EngineHarness h, String json, int number, int position) {
        RuleChange.Applied a = assertInstanceOf(RuleChange.Applied.class,
                h.engine.addRule(RuleEngines.rule(json, number), position, h.now));
        h.apply(a.messages());
        return a;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void firstMatchWinsBetweenTwoMasqueradeRules(OFVersion v) {
        EngineHarness h = harness(v);
        assertEquals("203.0.113.5", externalOf(h, "10.0.0.11", 5000).address().toString());
        assertEquals("203.0.113.6", externalOf(h, "10.0.0.200", 5000).address().toString());
        assertEquals(List.of(1, 2), h.engine.bindings().all().stream().map(Binding::rule).sorted().toList());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anInsertAtPositionOneShiftsTheOthersAndTouchesNoBinding(OFVersion v) {
        EngineHarness h = harness(v);
        List<Binding> before = List.copyOf(h.engine.bindings().all());
        RuleChange.Applied a = add(h, WEB, 10, 1);
        assertEquals(1, a.position());
        assertEquals(List.of("1:web", "2:small", "3:rest"), positions(h));
        assertEquals(2, h.table.entriesWithCookie(WEB_COOKIE).size(), "h3 is known: forwarded at once");
        assertEquals(before.size() + 1, h.engine.bindings().size());
        assertTrue(h.engine.bindings().all().containsAll(before));
        // appended: last
        add(h, """
                {"id": "ssh", "type": "portForward", "protocol": "tcp", "public": "203.0.113.1:2222",
                 "inside": "10.0.0.12:22"}""", 11, 4);
        assertEquals(List.of("1:web", "2:small", "3:rest", "4:ssh"), positions(h));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deletingAForwardRemovesExactlyItsFlowsAndKeepsTheMasqueradeBindings(OFVersion v) {
        EngineHarness h = harness(v);
        add(h, WEB, 10, 1);
        List<Binding> masquerade = h.engine.bindings().all().stream().filter(b -> b.rule() != 10).toList();
        List<FlowTableSimulator.Entry> webFlows = h.table.entriesWithCookie(WEB_COOKIE);
        int flows = h.table.entries().size();

        RuleChange.Applied d = h.engine.deleteRule("web", h.now).orElseThrow();
        assertEquals(1, d.bindingsRemoved());
        List<String> lines = FlowDump.lines(d.messages());
        if (v == OFVersion.OF_13) {
            // the forward's binding by its cookie, exactly (a port span has one binding per port); the rule's
            // own flows by the rule's cookie prefix
            assertTrue(lines.contains("delete cookie=" + String.format("0x%016x", WEB_COOKIE) + "/0xffffffffffffffff"),
                    String.join("\n", lines));
            assertTrue(lines.stream().filter(l -> l.startsWith("delete")).allMatch(l -> l.contains(
                    String.format("0x%016x", WEB_COOKIE)) || l.contains(String.format("0x%016x",
                    RuleCookies.ruleFlows(10).getValue()))), String.join("\n", lines));
        } else {
            for (FlowTableSimulator.Entry e : webFlows) {
                assertTrue(lines.contains("delete_strict priority=" + e.priority() + " " + FlowDump.match(e.match())),
                        String.join("\n", lines));
            }
        }
        h.apply(d.messages());
        assertEquals(flows - 2, h.table.entries().size(), "exactly the forward's two flows");
        assertEquals(masquerade, List.copyOf(h.engine.bindings().all()), "the live masquerade bindings survive");
        assertEquals(List.of("1:small", "2:rest"), positions(h));
        assertTrue(h.engine.deleteRule("web", h.now).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deletingAMasqueradeRuleRemovesItsBindingsOnly(OFVersion v) {
        EngineHarness h = harness(v);
        Binding small = h.engine.bindings().all().stream().filter(b -> b.rule() == 1).findFirst().orElseThrow();
        Binding rest = h.engine.bindings().all().stream().filter(b -> b.rule() == 2).findFirst().orElseThrow();
        RuleChange.Applied d = h.engine.deleteRule("small", h.now).orElseThrow();
        assertEquals(1, d.bindingsRemoved());
        h.apply(d.messages());
        assertEquals(List.of(rest), List.copyOf(h.engine.bindings().all()));
        assertEquals(0, h.table.entriesWithCookie(Cookies.binding(small.id()).getValue()).size());
        assertEquals(2, h.table.entriesWithCookie(Cookies.binding(rest.id()).getValue()).size());
        // h1's next flow goes to the remaining rule
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5001, "198.51.100.7", 53, new byte[4]));
        assertEquals("203.0.113.6", externalOf(h, "10.0.0.11", 5001).address().toString());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void refusedChangesChangeNothing(OFVersion v) {
        EngineHarness h = harness(v);
        List<Binding> bindings = List.copyOf(h.engine.bindings().all());
        int flows = h.table.entries().size();
        // a static rule behind a masquerade rule it overlaps: its flows would take the traffic anyway
        RuleChange.Refused overlap = assertInstanceOf(RuleChange.Refused.class, h.engine.addRule(RuleEngines.rule(
                "{\"id\": \"h2\", \"type\": \"static\", \"inside\": \"10.0.0.12\", \"public\": \"203.0.113.12\"}",
                12), 3, h.now));
        assertEquals("small", overlap.conflictsWith());
        // a forward on the public endpoint of h1's live binding
        Endpoint live = externalOf(h, "10.0.0.11", 5000);
        RuleChange.Refused inUse = assertInstanceOf(RuleChange.Refused.class, h.engine.addRule(RuleEngines.rule(
                String.format("{\"id\": \"dns\", \"type\": \"portForward\", \"protocol\": \"udp\", \"public\":"
                        + " \"%s\", \"inside\": \"10.0.0.13:53\"}", live), 13), 1, h.now));
        assertTrue(inUse.message().contains("in use by binding"), inUse.message());
        RuleChange.Refused position = assertInstanceOf(RuleChange.Refused.class,
                h.engine.addRule(RuleEngines.rule(WEB, 14), 4, h.now));
        assertEquals("position", position.field());

        assertEquals(List.of("1:small", "2:rest"), positions(h));
        assertEquals(bindings, List.copyOf(h.engine.bindings().all()));
        assertEquals(flows, h.table.entries().size());
        // the refused forward reserved nothing: the endpoint's binding keeps working, and WEB can still be added
        add(h, WEB, 15, 1);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aStaticRuleAddedAtRuntimeInstallsFlowsForAKnownHost(OFVersion v) {
        EngineHarness h = harness(v);
        RuleChange.Applied a = add(h, "{\"id\": \"h2\", \"type\": \"static\", \"inside\": \"10.0.0.12\","
                + " \"public\": \"203.0.113.12\"}", 16, 1);
        List<FlowTableSimulator.Entry> flows = h.table.entriesWithCookie(RuleCookies.flow(16, 0).getValue());
        assertEquals(2, flows.size(), FlowDump.dump(a.messages()));
        assertEquals(1, h.table.entriesWithCookie(RuleCookies.flow(16, RuleCookies.RULE_ENTRY).getValue()).size(),
                "the ARP trap for its public address");
        assertEquals(List.of("1:h2", "2:small", "3:rest"), positions(h));
    }
}
