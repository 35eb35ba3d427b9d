package io.flowmasq.controller.nat.rules;

import static io.flowmasq.controller.nat.rules.RuleFixtures.SWITCH;
import static io.flowmasq.controller.nat.rules.RuleFixtures.forward;
import static io.flowmasq.controller.nat.rules.RuleFixtures.masquerade;
import static io.flowmasq.controller.nat.rules.RuleFixtures.pool;
import static io.flowmasq.controller.nat.rules.RuleFixtures.prefix;
import static io.flowmasq.controller.nat.rules.RuleFixtures.staticNat;
import static io.flowmasq.controller.nat.rules.RuleFixtures.twice;
import static io.flowmasq.controller.nat.rules.RuleFixtures.virtualServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import io.flowmasq.flowcompiler.rules.RuleProtocol;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each refusal names both rules; the accepted orders are accepted. */
class RuleValidatorTest {
    private static Optional<RuleRefusal> check(String changed, Rule... rules) {
        return RuleValidator.check(RuleChain.of(List.of(rules)), SWITCH, changed);
    }

    private static RuleRefusal refused(String changed, Rule... rules) {
        return check(changed, rules).orElseThrow(() -> new AssertionError("accepted"));
    }

    private final Rule lan = masquerade("lan", "10.0.0.0/24");
    private final Rule h2 = staticNat("h2", "10.0.0.12", "203.0.113.12");

    @Test
    void aStaticRuleBeforeAMasqueradeOfTheSamePrefixIsFine() {
        assertEquals(Optional.empty(), check("h2", h2, lan));
        assertEquals(Optional.empty(), check("lan", h2, lan));
    }

    @Test
    void aStaticRuleAfterAMasqueradeItOverlapsIsRefused() {
        assertEquals(new RuleRefusal("", "rule 'h2' (static, inside 10.0.0.12/32, outside any, any) overlaps rule"
                + " 'lan' (masquerade, inside 10.0.0.0/24, outside any, any) at position 1; a static rule's flows are"
                + " installed in advance and would take that traffic anyway: move it before rule 'lan'", "lan"),
                refused("h2", lan, h2));
        // the same pair, the masquerade being the rule inserted
        assertEquals(new RuleRefusal("", "rule 'h2' (static, inside 10.0.0.12/32, outside any, any) overlaps rule"
                + " 'lan' (masquerade, inside 10.0.0.0/24, outside any, any), which would come before it at position 1;"
                + " a static rule's flows are installed in advance and would take the traffic anyway: insert rule"
                + " 'lan' after rule 'h2' (position 2)", "h2"), refused("lan", lan, h2));
        // a twice rule is installed in advance too (its trap flows)
        Rule site = twice("site-b", "10.0.0.0/24", "10.88.0.0/24", "10.0.0.0/24", "10.99.0.0/24");
        assertEquals("lan", refused("site-b", lan, site).conflictsWith());
        assertEquals(Optional.empty(), check("site-b", site, lan));
    }

    @Test
    void aRuleCoveredByAnEarlierOneCanNeverMatch() {
        Rule staff = masquerade("staff", "10.0.0.0/25");
        assertEquals(new RuleRefusal("", "rule 'staff' can never match: rule 'lan' (position 1) takes all its traffic"
                + " (inside 10.0.0.0/25, outside any, any)", "lan"), refused("staff", lan, staff));
        assertEquals(new RuleRefusal("", "rule 'lan' would make rule 'staff' (position 2) unreachable: it would take"
                + " all its traffic (inside 10.0.0.0/25, outside any, any)", "staff"), refused("lan", lan, staff));
        assertEquals(Optional.empty(), check("staff", staff, lan));
        Rule h2Again = staticNat("h2b", "10.0.0.12", "203.0.113.13");
        assertEquals("rule 'h2b' can never match: rule 'h2' (position 1) takes all its traffic (inside 10.0.0.12/32,"
                + " outside any, any)", refused("h2b", h2, h2Again).message());
    }

    @Test
    void forwardsAndVirtualServersAreNotOrderedAgainstOutboundRules() {
        Rule web = forward("web", Protocol.TCP, "203.0.113.1", 8080, 8080, "10.0.0.13", 8080);
        Rule www = virtualServer("www", "203.0.113.80", 80, "10.0.0.13", "10.0.0.14");
        assertEquals(Optional.empty(), check("web", lan, web, www));
        assertEquals(Optional.empty(), check("www", lan, web, www));
        assertEquals(Optional.empty(), check("lan", web, www, lan));
    }

    @Test
    void duplicateIds() {
        Rule other = masquerade("lan", "10.0.0.0/25");
        assertEquals(new RuleRefusal("id", "rule id 'lan' is already used by the rule at position 2", "lan"),
                refused("lan", other, lan));
    }

    @Test
    void exclusivePublicAddressesBelongToOneRule() {
        Rule staff = pool("staff", "10.0.0.0/25", "203.0.113.10", 5);
        assertEquals(new RuleRefusal("public", "rule 'h2': public 203.0.113.12 overlaps addresses"
                + " 203.0.113.10-203.0.113.14 of rule 'staff' (position 1); a static rule's public belongs to"
                + " it alone", "staff"), refused("h2", staff, h2));
        Rule lab = staticNat("lab", "10.0.0.16/28", "203.0.113.48/28");
        Rule site = twice("site-b", "10.0.0.32/29", "203.0.113.56/29", "10.0.0.0/29", "10.99.0.0/29");
        RuleRefusal r = refused("site-b", lab, site);
        assertEquals("insideAs", r.field());
        assertEquals("lab", r.conflictsWith());
        // a masquerade address is shared: with a forward, a virtual server, another masquerade, a pool fallback
        Rule web = forward("web", Protocol.TCP, "203.0.113.5", 8080, 8080, "10.0.0.13", 8080);
        Rule www = virtualServer("www", "203.0.113.5", 80, "10.0.0.13");
        Rule m1 = masquerade("m1", "10.0.0.0/25", "203.0.113.5", "203.0.113.1");
        Rule m2 = masquerade("m2", "10.0.0.0/24", "203.0.113.5");
        Rule fallback = pool("p", "10.0.0.128/25", "198.51.100.1", 2);
        assertEquals(Optional.empty(), RuleValidator.checkAll(RuleChain.of(List.of(web, www, m1, fallback, m2)),
                SWITCH).stream().findFirst());
        // ... but not with a static rule
        assertEquals("m1", refused("x", m1, staticNat("x", "10.0.0.30", "203.0.113.5")).conflictsWith());
    }

    @Test
    void exclusiveAddressesAreNotTheOutsideInterfacesOnes() {
        assertEquals(new RuleRefusal("public", "rule 'h1': public 203.0.113.1 includes 203.0.113.1, the outside"
                + " interface's address; a static rule needs addresses of its own", null),
                refused("h1", staticNat("h1", "10.0.0.11", "203.0.113.1")));
        assertEquals(new RuleRefusal("addresses", "rule 'p': addresses 203.0.113.2-203.0.113.3 includes 203.0.113.2,"
                + " one of outside.publicAddresses (masquerade uses it); a pool rule needs addresses of its own",
                null), refused("p", pool("p", "any", "203.0.113.2", 2)));
    }

    @Test
    void oneForwardOrVirtualServerPerProtocolAddressAndPort() {
        Rule games = forward("games", Protocol.UDP, "203.0.113.1", 5000, 5009, "10.0.0.13", 5000);
        Rule more = forward("more", Protocol.UDP, "203.0.113.1", 5009, 5010, "10.0.0.14", 5009);
        assertEquals(new RuleRefusal("public", "rule 'more': public udp 203.0.113.1:5009-5010 overlaps udp"
                + " 203.0.113.1:5000-5009 of rule 'games' (position 1); each protocol, address and port goes to one"
                + " forward or virtual server", "games"), refused("more", games, more));
        Rule tcp = forward("tcp", Protocol.TCP, "203.0.113.1", 5000, 5009, "10.0.0.14", 5000);
        assertEquals(Optional.empty(), check("tcp", games, tcp));
        Rule www = virtualServer("www", "203.0.113.1", 80, "10.0.0.13");
        Rule web = forward("web", Protocol.TCP, "203.0.113.1", 80, 80, "10.0.0.14", 80);
        assertEquals("www", refused("web", www, web).conflictsWith());
    }

    @Test
    void insideAndPublicAddressesAgainstTheInsideNetworks() {
        assertEquals(RuleRefusal.of("inside", "rule 'h9': inside 192.168.1.9 is not in an inside network of the switch"
                + " (10.0.0.0/24)"), refused("h9", staticNat("h9", "192.168.1.9", "203.0.113.9")));
        assertEquals(RuleRefusal.of("public", "rule 'h3': public 10.0.0.200 lies in the inside network 10.0.0.0/24;"
                + " public addresses must be outside"), refused("h3", staticNat("h3", "10.0.0.13", "10.0.0.200")));
        assertEquals(RuleRefusal.of("servers[1].address", "rule 'www': servers[1].address 10.1.0.14 is not in an"
                        + " inside network of the switch (10.0.0.0/24)"),
                refused("www", virtualServer("www", "203.0.113.80", 80, "10.0.0.13", "10.1.0.14")));
        assertEquals(RuleRefusal.of("inside", "rule 'web': inside 198.51.100.1 is not in an inside network of the"
                + " switch (10.0.0.0/24)"), refused("web", forward("web", Protocol.TCP, "203.0.113.1", 80, 80,
                "198.51.100.1", 80)));
        assertEquals(RuleRefusal.of("addresses", "rule 'm': addresses 10.0.0.5 lies in the inside network"
                + " 10.0.0.0/24; public addresses must be outside"), refused("m", masquerade("m", "any", "10.0.0.5")));
        assertEquals(RuleRefusal.of("outsideAs", "rule 't': outsideAs 10.0.0.128/25 overlaps the inside network"
                + " 10.0.0.0/24; inside hosts must reach it through the gateway"),
                refused("t", twice("t", "10.0.0.0/25", "10.88.0.0/25", "10.0.0.0/25", "10.0.0.128/25")));
    }

    @Test
    void atMost4096MappedHostsPerRule() {
        assertEquals(RuleRefusal.of("inside", "rule 'big': inside 10.0.0.0/19 has 8192 addresses; a rule maps at most"
                + " 4096 (a /20)"), refused("big", staticNat("big", "10.0.0.0/19", "198.51.96.0/19")));
        assertEquals(RuleRefusal.of("outside", "rule 't': outside 172.16.0.0/16 has 65536 addresses; a rule maps at"
                + " most 4096 (a /20)"), refused("t", twice("t", "10.0.0.0/24", "10.88.0.0/24", "172.16.0.0/16",
                "10.99.0.0/16")));
    }

    @Test
    void checkAllReportsEachRuleAgainstTheEarlierOnes() {
        Rule staff = masquerade("staff", "10.0.0.0/25");
        assertEquals(List.of(new RuleValidator.PositionedRefusal(2, refused("h2", lan, h2)),
                        new RuleValidator.PositionedRefusal(3, refused("staff", lan, h2, staff))),
                RuleValidator.checkAll(RuleChain.of(List.of(lan, h2, staff)), SWITCH));
    }

    @Test
    void theChangedRuleMustBeInTheChain() {
        assertThrows(IllegalArgumentException.class, () -> check("nope", lan));
    }

    /**
     * A static host's flows and a twice-NAT pair's flows share one priority: a static/netmap rule overlapping an
     * earlier twice rule is refused, whichever of them is the rule being added.
     */
    @Test
    void aStaticRuleBehindAnOverlappingTwiceRuleIsRefused() {
        Rule site = twice("site-b", "10.0.0.0/24", "10.88.0.0/24", "10.0.0.0/24", "10.99.0.0/24");
        Rule lab = staticNat("lab", "10.0.0.16/28", "203.0.113.48/28");
        RuleRefusal added = refused("h2", site, h2);
        assertEquals("site-b", added.conflictsWith());
        assertTrue(added.message().startsWith("rule 'h2' (static, inside 10.0.0.12/32, outside any, any) overlaps"
                + " twice rule 'site-b'"), added.message());
        assertTrue(added.message().endsWith("move it before rule 'site-b'"), added.message());
        RuleRefusal inserted = refused("site-b", site, lab);
        assertEquals("lab", inserted.conflictsWith());
        assertTrue(inserted.message().endsWith("insert rule 'site-b' after rule 'lab' (position 2)"),
                inserted.message());
        assertEquals(2, RuleValidator.checkAll(RuleChain.of(List.of(site, h2, lab)), SWITCH).size());
        // the static rule first takes its hosts' traffic, as the chain's order says (the twice runtime keeps away)
        assertEquals(Optional.empty(), check("site-b", h2, lab, site));
        // no overlap: a static rule towards other destinations, or for hosts the twice rule does not map
        Rule towardsFar = new Rule("far", 7, new RuleMatch(RuleMatch.ANY_PREFIX, prefix("198.51.100.0/24"), RuleProtocol.ANY, PortSpan.ANY),
                new RuleForm.StaticNat(prefix("10.0.0.12"), prefix("203.0.113.12")));
        assertEquals(Optional.empty(), check("far", site, towardsFar));
        Rule narrow = twice("narrow", "10.0.0.64/27", "10.88.0.64/27", "10.0.0.0/27", "10.99.0.0/27");
        assertEquals(Optional.empty(), check("h2", narrow, h2));
    }

    /** An inside endpoint has one public side: a forward and a virtual server (or two forwards) cannot share it. */
    @Test
    void anInsideEndpointServesOneForwardOrVirtualServer() {
        Rule web = forward("web", Protocol.TCP, "203.0.113.1", 8080, 8080, "10.0.0.13", 80);
        Rule www = virtualServer("www", "203.0.113.80", 80, "10.0.0.14", "10.0.0.13");
        RuleRefusal r = refused("www", web, www);
        assertEquals(new RuleRefusal("inside", "rule 'www': inside tcp 10.0.0.13:80 is also a target of rule 'web'"
                + " (position 1, inside tcp 10.0.0.13:80); an inside endpoint serves one forward or virtual server",
                "web"), r);
        Rule span = forward("span", Protocol.UDP, "203.0.113.1", 5000, 5009, "10.0.0.13", 5000);
        Rule inSpan = forward("one", Protocol.UDP, "203.0.113.1", 6005, 6005, "10.0.0.13", 5005);
        assertEquals("span", refused("one", span, inSpan).conflictsWith());
        // another port, another protocol, another host: fine
        assertEquals(Optional.empty(), check("one", span,
                forward("one", Protocol.UDP, "203.0.113.1", 6010, 6010, "10.0.0.13", 5010)));
        assertEquals(Optional.empty(), check("one", span,
                forward("one", Protocol.TCP, "203.0.113.1", 6005, 6005, "10.0.0.13", 5005)));
        assertEquals(Optional.empty(), check("www", forward("web", Protocol.TCP, "203.0.113.1", 8080, 8080,
                "10.0.0.13", 8080), www));
    }
}
