package io.flowmasq.flowcompiler.rules;

import static io.flowmasq.flowcompiler.rules.RuleFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.GW_OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H1_B1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H1_MAC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H2_MAC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H2_STATIC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.INSIDE_PORTS;
import static io.flowmasq.flowcompiler.rules.RuleFixture.LAB_HOST;
import static io.flowmasq.flowcompiler.rules.RuleFixture.LAB_MAC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.NETMAP;
import static io.flowmasq.flowcompiler.rules.RuleFixture.NETMAP_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.NEXT_HOP;
import static io.flowmasq.flowcompiler.rules.RuleFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.P1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.P2;
import static io.flowmasq.flowcompiler.rules.RuleFixture.PIPELINE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.STATIC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.STATIC_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TO_H1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TO_OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.VIP;
import static io.flowmasq.flowcompiler.rules.RuleFixture.VS_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.FlowDump;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** What the switch does with packets once the rule flows are in its table (pipeline included). */
class RuleFlowsSimulatorTest {
    private static final MacAddress REMOTE_MAC = NEXT_HOP;
    private static final MacAddress H3_MAC = MacAddress.of("00:00:00:00:00:13");
    /** A virtual server connection: client 198.51.100.20:40000 to the VIP, served by 10.0.0.13:80 on port 1. */
    private static final BindingSpec VS_CONNECTION = new BindingSpec(9, Protocol.TCP, Endpoint.of("10.0.0.13", 80),
            VIP, new L2Hop(P1, GW_INSIDE, H3_MAC), TO_OUTSIDE, 300,
            new RemoteFilter(IPv4Address.of("198.51.100.20"), 40000));
    /** Port-forward bindings of the netmap rule (4) and of the static rule (3), and a masquerade binding. */
    private static final BindingSpec FORWARD_4 = forward(RuleCookies.forwardId(NETMAP_RULE, 0), 8080);
    private static final BindingSpec FORWARD_3 = forward(RuleCookies.forwardId(STATIC_RULE, 0), 8081);
    private static final BindingSpec DYNAMIC = forward(1, 40000).withIdleTimeout(300);

    private static BindingSpec forward(long id, int port) {
        return new BindingSpec(id, Protocol.TCP, Endpoint.of("10.0.0.11", port), Endpoint.of("203.0.113.1", port),
                TO_H1, TO_OUTSIDE, 0);
    }

    private static FlowTableSimulator table(OFVersion v, boolean withNetmap) {
        FlowCompiler c = compiler(v);
        RuleFlows f = c.ruleFlows();
        FlowTableSimulator t = new FlowTableSimulator();
        t.applyAll(c.pipeline(PIPELINE));
        t.applyAll(f.installStaticHost(H2_STATIC));
        t.applyAll(f.arpTrap(STATIC_RULE, OUTSIDE, STATIC.external()));
        t.applyAll(c.installBinding(FORWARD_3));
        t.applyAll(c.installBinding(DYNAMIC));
        if (withNetmap) {
            t.applyAll(f.installStaticHost(LAB_HOST));
            t.applyAll(f.arpTrap(NETMAP_RULE, OUTSIDE, NETMAP.external()));
            t.applyAll(c.installBinding(FORWARD_4));
        }
        t.applyAll(f.twiceTraps(TWICE_RULE, INSIDE_PORTS, OUTSIDE, TWICE));
        t.apply(f.virtualServerTrap(VS_RULE, Protocol.TCP, OUTSIDE, VIP));
        return t;
    }

    private static SimPacket fromInside(OFPort port, MacAddress mac, IpProtocol proto, String src, int srcPort,
                                        String dst, int dstPort) {
        return SimPacket.ipv4(port, mac, GW_INSIDE, proto, src, srcPort, dst, dstPort);
    }

    private static SimPacket fromOutside(IpProtocol proto, String src, int srcPort, String dst, int dstPort) {
        return SimPacket.ipv4(OUTSIDE, REMOTE_MAC, GW_OUTSIDE, proto, src, srcPort, dst, dstPort);
    }

    private static void assertLeaves(SimResult r, int port, MacAddress ethSrc, MacAddress ethDst, String src,
                                     String dst, long cookie) {
        SimResult.Output out = r.only();
        assertFalse(r.toController(), "the switch translates it itself");
        assertEquals(port, out.port());
        assertEquals(ethSrc, out.packet().ethSrc());
        assertEquals(ethDst, out.packet().ethDst());
        assertEquals(IPv4Address.of(src), out.packet().ipv4Src());
        assertEquals(IPv4Address.of(dst), out.packet().ipv4Dst());
        assertEquals(63, out.packet().ttl());
        assertEquals(cookie, r.cookie());
    }

    private static long cookie(int rule, int entry) {
        return RuleCookies.flow(rule, entry).getValue();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void staticHostIsTranslatedBothWaysWithoutTheController(OFVersion v) {
        FlowTableSimulator t = table(v, true);
        long c = cookie(STATIC_RULE, 0);
        SimResult out = t.process(fromInside(P2, H2_MAC, IpProtocol.TCP, "10.0.0.12", 5555, "198.51.100.20", 80));
        assertLeaves(out, 3, GW_OUTSIDE, NEXT_HOP, "203.0.113.12", "198.51.100.20", c);
        assertEquals(5555, out.only().packet().l4Src(), "ports kept");
        SimResult back = t.process(fromOutside(IpProtocol.TCP, "198.51.100.20", 80, "203.0.113.12", 5555));
        assertLeaves(back, 2, GW_INSIDE, H2_MAC, "198.51.100.20", "10.0.0.12", c);
        // connections from outside, and ICMP, are the switch's business too
        assertLeaves(t.process(fromOutside(IpProtocol.UDP, "192.0.2.7", 999, "203.0.113.12", 53)),
                2, GW_INSIDE, H2_MAC, "192.0.2.7", "10.0.0.12", c);
        assertLeaves(t.process(fromInside(P2, H2_MAC, IpProtocol.ICMP, "10.0.0.12", 0, "198.51.100.20", 0)),
                3, GW_OUTSIDE, NEXT_HOP, "203.0.113.12", "198.51.100.20", c);
        // another host's new flow still goes to the controller (masquerade)
        SimResult h1 = t.process(fromInside(P1, H1_MAC, IpProtocol.TCP, "10.0.0.11", 5555, "198.51.100.20", 80));
        assertTrue(h1.toController());
        assertEquals(Cookies.PIPELINE.getValue(), h1.cookie());
    }

    /** Above the FIN/RST flows (OF1.3): a static host's connection ends without the controller. */
    @Test
    void staticHostFinIsTranslatedBySwitch() {
        FlowTableSimulator t = table(OFVersion.OF_13, true);
        SimPacket fin = fromInside(P2, H2_MAC, IpProtocol.TCP, "10.0.0.12", 5555, "198.51.100.20", 80)
                .withTcpFlags(TcpFlags.FIN | TcpFlags.ACK);
        assertLeaves(t.process(fin), 3, GW_OUTSIDE, NEXT_HOP, "203.0.113.12", "198.51.100.20",
                cookie(STATIC_RULE, 0));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void netmapHostKeepsHostBitsAndHonoursTheMatch(OFVersion v) {
        FlowTableSimulator t = table(v, true);
        long c = cookie(NETMAP_RULE, 3);
        assertLeaves(t.process(fromInside(P2, LAB_MAC, IpProtocol.TCP, "10.0.0.19", 4000, "198.51.100.20", 80)),
                3, GW_OUTSIDE, NEXT_HOP, "203.0.113.51", "198.51.100.20", c);
        assertLeaves(t.process(fromOutside(IpProtocol.TCP, "198.51.100.20", 80, "203.0.113.51", 4000)),
                2, GW_INSIDE, LAB_MAC, "198.51.100.20", "10.0.0.19", c);
        // match.protocol tcp and match.outside 198.51.100.0/24: anything else is not this rule's
        SimResult udp = t.process(fromInside(P2, LAB_MAC, IpProtocol.UDP, "10.0.0.19", 4000, "198.51.100.20", 53));
        assertEquals(Cookies.PIPELINE.getValue(), udp.cookie());
        SimResult elsewhere = t.process(fromInside(P2, LAB_MAC, IpProtocol.TCP, "10.0.0.19", 4000, "192.0.2.1", 80));
        assertEquals(Cookies.PIPELINE.getValue(), elsewhere.cookie());
        assertTrue(t.process(fromOutside(IpProtocol.TCP, "192.0.2.1", 80, "203.0.113.51", 4000)).dropped());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void twicePairIsTrappedThenTranslatedBothWays(OFVersion v) {
        FlowTableSimulator t = table(v, true);
        RuleFlows f = compiler(v).ruleFlows();
        long trap = cookie(TWICE_RULE, RuleCookies.RULE_ENTRY);
        SimPacket first = fromInside(P1, H1_MAC, IpProtocol.TCP, "10.0.0.11", 5000, "10.99.0.21", 22);
        SimResult trapped = t.process(first);
        assertTrue(trapped.toController());
        assertTrue(trapped.outputs().isEmpty());
        assertEquals(trap, trapped.cookie());

        t.applyAll(f.installTwicePair(H1_B1));
        long c = cookie(TWICE_RULE, 7);
        assertLeaves(t.process(first), 3, GW_OUTSIDE, NEXT_HOP, "10.88.0.11", "10.0.0.21", c);
        assertLeaves(t.process(fromOutside(IpProtocol.TCP, "10.0.0.21", 22, "10.88.0.11", 5000)),
                1, GW_INSIDE, H1_MAC, "10.99.0.21", "10.0.0.11", c);
        // another remote, from outside: not this pair's, the trap takes it
        SimResult other = t.process(fromOutside(IpProtocol.UDP, "10.0.0.22", 53, "10.88.0.11", 5000));
        assertTrue(other.toController());
        assertEquals(trap, other.cookie());

        t.applyAll(f.removeTwicePair(H1_B1));
        assertEquals(trap, t.process(first).cookie(), "after removal the trap is back in charge");
        assertEquals(3, t.entriesWithCookie(trap).size(), "the traps stay");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void virtualServerTrapLeavesEstablishedConnectionsToTheirBinding(OFVersion v) {
        FlowTableSimulator t = table(v, true);
        SimPacket syn = fromOutside(IpProtocol.TCP, "198.51.100.20", 40000, "203.0.113.80", 80);
        SimResult trapped = t.process(syn);
        assertTrue(trapped.toController());
        assertEquals(cookie(VS_RULE, RuleCookies.RULE_ENTRY), trapped.cookie());

        t.applyAll(compiler(v).installBinding(VS_CONNECTION));
        SimResult.Output served = t.process(syn).only();
        assertEquals(1, served.port());
        assertEquals(IPv4Address.of("10.0.0.13"), served.packet().ipv4Dst());
        assertTrue(t.process(fromOutside(IpProtocol.TCP, "198.51.100.21", 40000, "203.0.113.80", 80)).toController(),
                "another client's connection is new");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void arpForRuleAddressesGoesToTheController(OFVersion v) {
        FlowTableSimulator t = table(v, true);
        SimResult lab = t.process(SimPacket.arp(OUTSIDE, REMOTE_MAC, "203.0.113.51"));
        assertTrue(lab.toController());
        assertEquals(cookie(NETMAP_RULE, RuleCookies.RULE_ENTRY), lab.cookie());
        assertEquals(cookie(STATIC_RULE, RuleCookies.RULE_ENTRY),
                t.process(SimPacket.arp(OUTSIDE, REMOTE_MAC, "203.0.113.12")).cookie());
        assertTrue(t.process(SimPacket.arp(OUTSIDE, REMOTE_MAC, "203.0.113.64")).dropped(), "outside the /28");
    }

    /**
     * Deleting the netmap rule leaves exactly the table that never had it: OF1.3 with the two masked
     * deletes, OF1.0 with each flow's strict delete.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deletingARuleRemovesAllItsFlowsAndForwardsOnly(OFVersion v) {
        FlowCompiler c = compiler(v);
        RuleFlows f = c.ruleFlows();
        FlowTableSimulator t = table(v, true);
        if (v == OFVersion.OF_13) {
            t.applyAll(f.deleteRule(NETMAP_RULE).orElseThrow());
        } else {
            assertTrue(f.deleteRule(NETMAP_RULE).isEmpty());
            t.applyAll(f.removeStaticHost(LAB_HOST));
            t.applyAll(f.removeArpTrap(NETMAP_RULE, OUTSIDE, NETMAP.external()));
            t.applyAll(c.removeBinding(FORWARD_4));
        }
        assertEquals(FlowDump.dumpTable(table(v, false)), FlowDump.dumpTable(t));
    }

    /** The masked delete keys on the rule number alone: rule 4's delete leaves rule 40's flows. */
    @Test
    void maskedDeleteSparesOtherRules() {
        RuleFlows f = compiler(OFVersion.OF_13).ruleFlows();
        FlowTableSimulator t = new FlowTableSimulator();
        t.applyAll(f.arpTrap(40, OUTSIDE, Prefixes.of("203.0.113.64", 28)));
        t.applyAll(f.arpTrap(NETMAP_RULE, OUTSIDE, NETMAP.external()));
        t.applyAll(f.deleteRule(NETMAP_RULE).orElseThrow());
        assertEquals(List.of(cookie(40, RuleCookies.RULE_ENTRY)),
                t.entries().stream().map(FlowTableSimulator.Entry::cookie).toList());
    }
}
