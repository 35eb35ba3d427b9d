package io.flowmasq.flowcompiler.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.U64;

/** RuleCookies, Prefixes, PortSpan, RuleProtocol and RuleMatch: the arithmetic the rule chain rests on. */
class RuleValueTypesTest {
    private static final IPv4AddressWithMask ANY = RuleMatch.ANY_PREFIX;

    private static IPv4AddressWithMask p(String address, int length) {
        return Prefixes.of(address, length);
    }

    private static IPv4Address a(String address) {
        return IPv4Address.of(address);
    }

    private static RuleMatch match(IPv4AddressWithMask inside, IPv4AddressWithMask outside, RuleProtocol protocol,
                                   PortSpan ports) {
        return new RuleMatch(inside, outside, protocol, ports);
    }

    // ---- RuleCookies

    @Test
    void ruleFlowCookieLayout() {
        assertEquals(U64.of(0xf104_0000_0100_0000L), RuleCookies.flow(1, 0));
        assertEquals(U64.of(0xf104_7fff_ffff_ffffL), RuleCookies.flow(RuleCookies.MAX_RULE_NUMBER,
                RuleCookies.RULE_ENTRY));
        U64 c = RuleCookies.flow(1234, 56);
        assertTrue(RuleCookies.isRuleFlow(c));
        assertTrue(Cookies.isOurs(c));
        assertFalse(Cookies.isBinding(c));
        assertEquals(1234, RuleCookies.ruleOf(c));
        assertEquals(56, RuleCookies.entryOf(c));
        assertEquals(RuleCookies.flow(1234, 0), RuleCookies.ruleFlows(1234));
        assertFalse(RuleCookies.isRuleFlow(U64.of(0x0004_0000_0100_0000L)), "kind 0x04 without flowmasq's tag");
        assertEquals(0, RuleCookies.ruleOf(Cookies.PIPELINE));
        assertEquals(0, RuleCookies.ruleOf(Cookies.binding(77)), "a dynamic binding belongs to no rule");
    }

    @Test
    void ruleMaskSelectsExactlyOneRulesFlows() {
        long want = RuleCookies.ruleFlows(7).getValue() & RuleCookies.RULE_MASK.getValue();
        for (int entry : new int[] {0, 1, 4095, RuleCookies.MAX_ENTRY, RuleCookies.RULE_ENTRY}) {
            assertEquals(want, RuleCookies.flow(7, entry).getValue() & RuleCookies.RULE_MASK.getValue());
        }
        for (int other : new int[] {6, 8, 7 + (1 << 8), RuleCookies.MAX_RULE_NUMBER}) {
            assertNotEquals(want, RuleCookies.flow(other, 0).getValue() & RuleCookies.RULE_MASK.getValue());
        }
        assertNotEquals(want, RuleCookies.forwardBindings(7).getValue() & RuleCookies.RULE_MASK.getValue());
    }

    @Test
    void forwardIdsLiveInTheirRulesBlockOfBindingIds() {
        long id = RuleCookies.forwardId(7, 3);
        assertEquals(0x8000_0700_0003L, id);
        assertTrue(RuleCookies.isForwardId(id));
        assertFalse(RuleCookies.isForwardId(1), "dynamic ids count from 1 and never reach bit 47");
        assertFalse(RuleCookies.isForwardId((1L << 47) - 1));
        assertEquals(7, RuleCookies.forwardRuleOf(id));
        assertEquals(7, RuleCookies.ruleOf(Cookies.binding(id)));
        assertTrue(id <= Cookies.MAX_BINDING_ID);
        assertEquals(RuleCookies.forwardId(RuleCookies.MAX_RULE_NUMBER, RuleCookies.MAX_ENTRY),
                0xFFFF_FFFF_FFFEL, "the last forward id is a valid binding id");
        long want = RuleCookies.forwardBindings(7).getValue() & RuleCookies.FORWARD_MASK.getValue();
        assertEquals(U64.of(0xf101_8000_0700_0000L), RuleCookies.forwardBindings(7));
        assertEquals(want, Cookies.binding(RuleCookies.forwardId(7, 1023)).getValue()
                & RuleCookies.FORWARD_MASK.getValue());
        assertNotEquals(want, Cookies.binding(RuleCookies.forwardId(8, 0)).getValue()
                & RuleCookies.FORWARD_MASK.getValue());
        assertNotEquals(want, Cookies.binding(7).getValue() & RuleCookies.FORWARD_MASK.getValue());
    }

    @Test
    void cookieArgumentsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RuleCookies.flow(0, 0));
        assertThrows(IllegalArgumentException.class, () -> RuleCookies.flow(RuleCookies.MAX_RULE_NUMBER + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> RuleCookies.flow(1, -1));
        assertThrows(IllegalArgumentException.class, () -> RuleCookies.flow(1, RuleCookies.RULE_ENTRY + 1));
        assertThrows(IllegalArgumentException.class, () -> RuleCookies.forwardId(1, RuleCookies.RULE_ENTRY));
        assertThrows(IllegalArgumentException.class, () -> RuleCookies.forwardId(0, 0));
    }

    @Test
    void ruleFlowRefOfCookies() {
        assertEquals(Optional.of(new RuleFlowRef(9, 4)), RuleFlowRef.of(RuleCookies.flow(9, 4)));
        assertEquals(Optional.empty(), RuleFlowRef.of(Cookies.binding(RuleCookies.forwardId(9, 0))));
        assertEquals(Optional.empty(), RuleFlowRef.of(null));
        assertFalse(new RuleFlowRef(9, 4).wholeRule());
        assertTrue(new RuleFlowRef(9, RuleCookies.RULE_ENTRY).wholeRule());
    }

    // ---- Prefixes

    @Test
    void prefixesAreNormalisedAndLabelled() {
        assertEquals(p("10.0.0.0", 24), p("10.0.0.77", 24));
        assertEquals("10.0.0.0/24", Prefixes.label(p("10.0.0.77", 24)));
        assertEquals("any", Prefixes.label(ANY));
        assertEquals("any", Prefixes.label(p("10.1.2.3", 0)));
        assertEquals(0, Prefixes.length(ANY));
        assertEquals(32, Prefixes.length(Prefixes.host(a("10.0.0.12"))));
        assertEquals(1, Prefixes.length(p("128.0.0.0", 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Prefixes.length(IPv4AddressWithMask.of(a("10.0.0.0"), a("255.0.255.0"))));
    }

    @Test
    void prefixCoverAndOverlap() {
        assertTrue(Prefixes.covers(p("10.0.0.0", 24), p("10.0.0.16", 28)));
        assertFalse(Prefixes.covers(p("10.0.0.16", 28), p("10.0.0.0", 24)));
        assertTrue(Prefixes.covers(p("10.0.0.0", 24), p("10.0.0.0", 24)));
        assertTrue(Prefixes.covers(ANY, p("203.0.113.1", 32)));
        assertFalse(Prefixes.covers(p("10.0.0.0", 24), p("10.0.1.0", 24)));
        assertFalse(Prefixes.covers(p("10.0.0.0", 25), p("10.0.0.128", 25)));
        assertTrue(Prefixes.overlap(p("10.0.0.16", 28), p("10.0.0.0", 24)));
        assertTrue(Prefixes.overlap(p("10.0.0.0", 24), p("10.0.0.16", 28)));
        assertFalse(Prefixes.overlap(p("10.0.0.0", 25), p("10.0.0.128", 25)));
        assertTrue(Prefixes.overlap(ANY, ANY));
    }

    @Test
    void prefixOffsetsAreUnsigned() {
        assertEquals(16, Prefixes.size(p("10.0.0.16", 28)));
        assertEquals(1L << 32, Prefixes.size(ANY));
        assertEquals(a("10.0.0.19"), Prefixes.at(p("10.0.0.16", 28), 3));
        assertEquals(3, Prefixes.offsetOf(p("203.0.113.48", 28), a("203.0.113.51")));
        assertEquals(a("255.255.255.255"), Prefixes.at(p("255.255.255.240", 28), 15));
        assertEquals(15, Prefixes.offsetOf(p("255.255.255.240", 28), a("255.255.255.255")));
        assertEquals(5, Prefixes.offsetOf(p("200.0.0.0", 8), a("200.0.0.5")));
        assertThrows(IllegalArgumentException.class, () -> Prefixes.at(p("10.0.0.16", 28), 16));
        assertThrows(IllegalArgumentException.class, () -> Prefixes.at(p("10.0.0.16", 28), -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Prefixes.offsetOf(p("10.0.0.16", 28), a("10.0.0.32")));
        assertEquals("10.0.0.32 is not in 10.0.0.16/28", e.getMessage());
    }

    @Test
    void staticFormsMapHostBits() {
        RuleForm.StaticNat lab = new RuleForm.StaticNat(p("10.0.0.16", 28), p("203.0.113.48", 28));
        assertEquals("netmap", lab.type());
        assertEquals(a("203.0.113.51"), lab.externalOf(a("10.0.0.19")));
        assertEquals(a("10.0.0.19"), lab.insideOf(a("203.0.113.51")));
        assertEquals("static", new RuleForm.StaticNat(p("10.0.0.12", 32), p("203.0.113.12", 32)).type());
        assertThrows(IllegalArgumentException.class,
                () -> new RuleForm.StaticNat(p("10.0.0.16", 28), p("203.0.113.48", 29)));
    }

    // ---- PortSpan and RuleProtocol

    @Test
    void portSpans() {
        assertTrue(PortSpan.ANY.isAny());
        assertEquals(10, new PortSpan(5000, 5009).size());
        assertEquals("5000-5009", new PortSpan(5000, 5009).toString());
        assertEquals("80", PortSpan.of(80).toString());
        assertTrue(new PortSpan(1, 1024).covers(PortSpan.of(80)));
        assertFalse(PortSpan.of(80).covers(new PortSpan(80, 81)));
        assertTrue(new PortSpan(80, 90).overlaps(new PortSpan(90, 100)));
        assertFalse(new PortSpan(80, 89).overlaps(new PortSpan(90, 100)));
        assertTrue(new PortSpan(80, 90).contains(90));
        assertFalse(new PortSpan(80, 90).contains(91));
        assertThrows(IllegalArgumentException.class, () -> new PortSpan(10, 9));
        assertThrows(IllegalArgumentException.class, () -> new PortSpan(-1, 9));
        assertThrows(IllegalArgumentException.class, () -> new PortSpan(1, 65536));
    }

    @Test
    void ruleProtocols() {
        assertTrue(RuleProtocol.ANY.matches(1));
        assertTrue(RuleProtocol.UDP.matches(17));
        assertFalse(RuleProtocol.TCP.matches(17));
        assertTrue(RuleProtocol.ANY.covers(RuleProtocol.ICMP));
        assertFalse(RuleProtocol.TCP.covers(RuleProtocol.ANY));
        assertTrue(RuleProtocol.TCP.overlaps(RuleProtocol.ANY));
        assertFalse(RuleProtocol.TCP.overlaps(RuleProtocol.UDP));
        assertFalse(RuleProtocol.ICMP.hasPorts());
        assertEquals(Optional.of(RuleProtocol.ICMP), RuleProtocol.byLabel("icmp"));
        assertEquals(Optional.empty(), RuleProtocol.byLabel("sctp"));
        assertEquals(RuleProtocol.UDP, RuleProtocol.of(Protocol.UDP));
    }

    // ---- RuleMatch

    @Test
    void matchesAFirstPacket() {
        RuleMatch web = match(p("10.0.0.0", 24), p("198.51.100.0", 24), RuleProtocol.TCP, new PortSpan(80, 443));
        assertTrue(web.matches(a("10.0.0.11"), a("198.51.100.20"), 6, 80));
        assertFalse(web.matches(a("10.0.1.11"), a("198.51.100.20"), 6, 80), "inside");
        assertFalse(web.matches(a("10.0.0.11"), a("198.51.101.20"), 6, 80), "outside");
        assertFalse(web.matches(a("10.0.0.11"), a("198.51.100.20"), 17, 80), "protocol");
        assertFalse(web.matches(a("10.0.0.11"), a("198.51.100.20"), 6, 444), "port");
        assertTrue(RuleMatch.ANY.matches(a("10.0.0.11"), a("198.51.100.20"), 1, 0));
        assertEquals("inside 10.0.0.0/24, outside 198.51.100.0/24, tcp port 80-443", web.toString());
        assertEquals("inside any, outside any, any", RuleMatch.ANY.toString());
    }

    @Test
    void matchNormalisesAndRefusesPortsWithoutAPortProtocol() {
        assertEquals(p("10.0.0.0", 24), match(p("10.0.0.9", 24), ANY, RuleProtocol.ANY, PortSpan.ANY).inside());
        assertThrows(IllegalArgumentException.class,
                () -> match(ANY, ANY, RuleProtocol.ICMP, PortSpan.of(80)));
        assertThrows(IllegalArgumentException.class,
                () -> match(ANY, ANY, RuleProtocol.ANY, new PortSpan(1, 1024)));
    }

    /** Check 1 of the contract: a later rule covered by an earlier one is unreachable. */
    @Test
    void coveredBy() {
        RuleMatch lan = match(p("10.0.0.0", 24), ANY, RuleProtocol.ANY, PortSpan.ANY);
        RuleMatch staff = match(p("10.0.0.0", 25), ANY, RuleProtocol.ANY, PortSpan.ANY);
        RuleMatch staffWeb = match(p("10.0.0.0", 25), p("198.51.100.0", 24), RuleProtocol.TCP, PortSpan.of(80));
        assertTrue(staff.coveredBy(lan));
        assertFalse(lan.coveredBy(staff));
        assertTrue(staffWeb.coveredBy(staff));
        assertTrue(lan.coveredBy(lan));
        assertTrue(lan.coveredBy(RuleMatch.ANY));
        assertFalse(RuleMatch.ANY.coveredBy(lan));
        RuleMatch staffTcp = match(p("10.0.0.0", 25), ANY, RuleProtocol.TCP, PortSpan.ANY);
        assertFalse(staff.coveredBy(staffTcp), "any protocol is not covered by tcp");
        assertFalse(match(p("10.0.0.0", 25), ANY, RuleProtocol.TCP, new PortSpan(1, 1024))
                .coveredBy(match(p("10.0.0.0", 25), ANY, RuleProtocol.TCP, new PortSpan(1, 1023))));
        assertFalse(staff.coveredBy(match(p("10.0.0.0", 24), p("198.51.100.0", 24), RuleProtocol.ANY,
                PortSpan.ANY)), "any outside is not covered by one outside network");
    }

    /** Check 2 of the contract: a static rule after a masquerade rule it overlaps is refused. */
    @Test
    void overlaps() {
        RuleMatch lan = match(p("10.0.0.0", 24), ANY, RuleProtocol.ANY, PortSpan.ANY);
        RuleMatch h2 = match(p("10.0.0.12", 32), ANY, RuleProtocol.ANY, PortSpan.ANY);
        RuleMatch other = match(p("10.0.1.0", 24), ANY, RuleProtocol.ANY, PortSpan.ANY);
        assertTrue(h2.overlaps(lan));
        assertTrue(lan.overlaps(h2));
        assertFalse(h2.overlaps(other));
        RuleMatch tcp80 = match(p("10.0.0.0", 24), ANY, RuleProtocol.TCP, PortSpan.of(80));
        RuleMatch udp80 = match(p("10.0.0.0", 24), ANY, RuleProtocol.UDP, PortSpan.of(80));
        RuleMatch tcp443 = match(p("10.0.0.0", 24), ANY, RuleProtocol.TCP, PortSpan.of(443));
        assertFalse(tcp80.overlaps(udp80));
        assertFalse(tcp80.overlaps(tcp443));
        assertTrue(tcp80.overlaps(lan), "any protocol and ports overlap tcp port 80");
        RuleMatch toSiteB = match(p("10.0.0.0", 24), p("10.99.0.0", 24), RuleProtocol.ANY, PortSpan.ANY);
        RuleMatch toDocNet = match(p("10.0.0.0", 24), p("198.51.100.0", 24), RuleProtocol.ANY, PortSpan.ANY);
        assertFalse(toSiteB.overlaps(toDocNet));
        assertTrue(toSiteB.overlaps(lan));
        assertFalse(tcp80.overlaps(match(p("10.0.0.0", 24), ANY, RuleProtocol.ICMP, PortSpan.ANY)));
    }
}
