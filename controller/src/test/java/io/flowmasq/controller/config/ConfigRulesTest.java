package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import io.flowmasq.flowcompiler.rules.RuleProtocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

/** The {@code rules} of a switch in the file: every form, the defaults, numbering, and each mistake's path. */
class ConfigRulesTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "rules.json");

    private static IPv4Address ip(String a) {
        return IPv4Address.of(a);
    }

    private static List<IPv4Address> range(String first, int count) {
        List<IPv4Address> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            result.add(IPv4Address.of(ip(first).getInt() + i));
        }
        return result;
    }

    static String withRules(String rulesJson) {
        return with(MINIMAL, "switches[0].rules", rulesJson);
    }

    private static List<Rule> rules(String rulesJson) {
        return valid(withRules(rulesJson)).config().switches().get(0).rules();
    }

    private static Rule rule(String ruleJson) {
        return rules("[" + ruleJson + "]").get(0);
    }

    private static List<String> ruleErrors(String ruleJson) {
        return errors(withRules("[" + ruleJson + "]"));
    }

    @Test
    void theExampleFileHasEveryFormNumberedInFileOrder() throws Exception {
        List<Rule> rules = ConfigLoader.validate(EXAMPLE).config().switches().get(0).rules();
        List<IPv4Address> pool = new ArrayList<>(range("203.0.113.20", 10));
        pool.addAll(range("203.0.113.40", 4));
        assertEquals(List.of(
                new Rule("web", 1, RuleMatch.ANY, new RuleForm.PortForward(Protocol.TCP, ip("203.0.113.1"),
                        PortSpan.of(8080), ip("10.0.0.13"), 8080)),
                new Rule("games", 2, RuleMatch.ANY, new RuleForm.PortForward(Protocol.UDP, ip("203.0.113.1"),
                        new PortSpan(5000, 5009), ip("10.0.0.13"), 5000)),
                new Rule("h2", 3, RuleMatch.ANY, new RuleForm.StaticNat(Prefixes.of("10.0.0.12", 32),
                        Prefixes.of("203.0.113.12", 32))),
                new Rule("lab", 4, RuleMatch.ANY, new RuleForm.StaticNat(Prefixes.of("10.0.0.16", 28),
                        Prefixes.of("203.0.113.48", 28))),
                new Rule("site-b", 5, RuleMatch.ANY, new RuleForm.TwiceNat(Prefixes.of("10.0.0.0", 24),
                        Prefixes.of("10.88.0.0", 24), Prefixes.of("10.0.0.0", 24), Prefixes.of("10.99.0.0", 24))),
                new Rule("staff", 6, RuleMatch.ANY.withInside(Prefixes.of("10.0.0.0", 25)),
                        new RuleForm.AddressPool(pool, Optional.of(ip("203.0.113.1")))),
                // "ports": "1-65535" is the whole range: any
                new Rule("lan", 7, RuleMatch.ANY.withInside(Prefixes.of("10.0.0.0", 24)),
                        new RuleForm.Masquerade(List.of(ip("203.0.113.1"), ip("203.0.113.2")))),
                new Rule("www", 8, RuleMatch.ANY, new RuleForm.VirtualServer(Protocol.TCP,
                        Endpoint.of("203.0.113.80", 80), RuleForm.Scheduling.WEIGHTED,
                        List.of(new RuleForm.RealServer(Endpoint.of("10.0.0.13", 80), 3),
                                new RuleForm.RealServer(Endpoint.of("10.0.0.14", 80), 1)),
                        Optional.of(new RuleForm.HealthCheck(2, 1000, 2, 1))))), rules);
    }

    @Test
    void withoutRulesASwitchHasTheImplicitMasqueradeRule() {
        assertEquals(List.of(SwitchConfig.implicitRule(1)), valid(MINIMAL).config().switches().get(0).rules());
    }

    @Test
    void numbersRunAcrossSwitchesInFileOrderAndTheImplicitRuleTakesOne() {
        String two = with(MINIMAL, "switches[1]", """
                {"dpid": "00:00:00:00:00:00:00:02",
                 "inside": [{"ports": [1], "gateway": "10.0.0.1/24"}],
                 "outside": {"port": 3, "address": "203.0.113.1/24", "nextHop": "203.0.113.10"},
                 "rules": [{"type": "static", "inside": "10.0.0.12", "public": "203.0.113.12"},
                           {"type": "masquerade"}]}""");
        var switches = valid(two).config().switches();
        assertEquals(List.of(1), switches.get(0).rules().stream().map(Rule::number).toList());
        assertEquals(List.of(2, 3), switches.get(1).rules().stream().map(Rule::number).toList());
        assertEquals(List.of("rule-1", "rule-2"), switches.get(1).rules().stream().map(Rule::id).toList());
    }

    @Test
    void defaults() {
        assertEquals(new Rule("rule-1", 1, RuleMatch.ANY, new RuleForm.Masquerade(List.of())),
                rule("{\"type\": \"masquerade\"}"));
        assertEquals(new RuleForm.AddressPool(List.of(ip("198.51.100.7")), Optional.empty()),
                rule("{\"type\": \"pool\", \"addresses\": [\"198.51.100.7\"]}").form());
        // no inside port: the public ports are kept
        assertEquals(new RuleForm.PortForward(Protocol.TCP, ip("203.0.113.1"), new PortSpan(8000, 8009),
                ip("10.0.0.13"), 8000), rule("{\"type\": \"portForward\", \"protocol\": \"tcp\","
                + " \"public\": \"203.0.113.1:8000-8009\", \"inside\": \"10.0.0.13\"}").form());
        String vs = "{\"type\": \"virtualServer\", \"protocol\": \"tcp\", \"public\": \"203.0.113.80:80\","
                + " \"servers\": [{\"address\": \"10.0.0.13:80\"}]%s}";
        assertEquals(new RuleForm.VirtualServer(Protocol.TCP, Endpoint.of("203.0.113.80", 80),
                RuleForm.Scheduling.WEIGHTED, List.of(new RuleForm.RealServer(Endpoint.of("10.0.0.13", 80), 1)),
                Optional.empty()), rule(vs.formatted("")).form());
        assertEquals(Optional.of(new RuleForm.HealthCheck(5, 1000, 3, 2)),
                ((RuleForm.VirtualServer) rule(vs.formatted(", \"healthCheck\": {}")).form()).healthCheck());
        assertEquals(Optional.of(new RuleForm.HealthCheck(5, 500, 3, 2)),
                ((RuleForm.VirtualServer) rule(vs.formatted(", \"healthCheck\": {\"timeoutMillis\": 500}")).form())
                        .healthCheck());
    }

    @Test
    void matchesOfMasqueradePoolAndStatic() {
        assertEquals(new RuleMatch(Prefixes.of("10.0.0.0", 25), Prefixes.of("198.51.100.0", 24), RuleProtocol.TCP,
                new PortSpan(80, 443)), rule("{\"type\": \"masquerade\", \"match\": {\"inside\": \"10.0.0.0/25\","
                + " \"outside\": \"198.51.100.0/24\", \"protocol\": \"tcp\", \"ports\": \"80-443\"}}").match());
        assertEquals(new RuleMatch(RuleMatch.ANY_PREFIX, Prefixes.of("198.51.100.20", 32), RuleProtocol.UDP,
                PortSpan.of(53)), rule("{\"type\": \"masquerade\", \"match\": {\"outside\": \"198.51.100.20\","
                + " \"protocol\": \"udp\", \"ports\": 53}}").match());
        assertEquals(new RuleMatch(RuleMatch.ANY_PREFIX, Prefixes.of("198.51.100.0", 24), RuleProtocol.ICMP,
                PortSpan.ANY), rule("{\"type\": \"static\", \"inside\": \"10.0.0.12\", \"public\": \"203.0.113.12\","
                + " \"match\": {\"outside\": \"198.51.100.0/24\", \"protocol\": \"icmp\"}}").match());
    }

    @Test
    void theRuleItselfAndItsType() {
        assertEquals(List.of("switches[0].rules: [] must not be empty"), errors(withRules("[]")));
        assertEquals(List.of("switches[0].rules[0]: \"masquerade\" is not an object"),
                errors(withRules("[\"masquerade\"]")));
        assertEquals(List.of("switches[0].rules[0].type: required (one of \"masquerade\", \"pool\", \"static\","
                + " \"netmap\", \"twice\", \"portForward\", \"virtualServer\")"), ruleErrors("{\"id\": \"a\"}"));
        assertEquals(List.of("switches[0].rules[0].type: \"nat\" is not a rule type (\"masquerade\", \"pool\","
                + " \"static\", \"netmap\", \"twice\", \"portForward\", \"virtualServer\")"),
                ruleErrors("{\"type\": \"nat\"}"));
        assertEquals(List.of("switches[0].rules[0].fallback: unknown field"),
                ruleErrors("{\"type\": \"masquerade\", \"fallback\": \"203.0.113.5\"}"));
        assertEquals(List.of("switches[0].rules[0].position: unknown field"),
                ruleErrors("{\"type\": \"masquerade\", \"position\": 1}"));
        assertEquals(List.of("switches[0].rules[0].id: \"web server\" is not a rule id (1-64 letters, digits, '.',"
                + " '-' or '_', starting with a letter or digit)"),
                ruleErrors("{\"id\": \"web server\", \"type\": \"masquerade\"}"));
    }

    @Test
    void matchMistakes() {
        assertEquals(List.of("switches[0].rules[0].match.inside: \"10.0.0.1/24\" has host bits set; the prefix is"
                        + " 10.0.0.0/24",
                "switches[0].rules[0].match.outside: \"far\" is not \"any\", an address or a prefix (like"
                        + " \"10.0.0.0/24\")",
                "switches[0].rules[0].match.protocol: \"sctp\" is not a protocol (\"any\", \"tcp\", \"udp\" or"
                        + " \"icmp\")"),
                ruleErrors("{\"type\": \"masquerade\", \"match\": {\"inside\": \"10.0.0.1/24\", \"outside\": \"far\","
                        + " \"protocol\": \"sctp\"}}"));
        assertEquals(List.of("switches[0].rules[0].match.ports: \"80\" needs protocol \"tcp\" or \"udp\" (protocol is"
                + " any)"), ruleErrors("{\"type\": \"pool\", \"addresses\": [\"203.0.113.5\"], \"match\":"
                + " {\"ports\": \"80\"}}"));
        assertEquals(List.of("switches[0].rules[0].match.ports: \"90-80\" is not a port span within 0..65535"),
                ruleErrors("{\"type\": \"masquerade\", \"match\": {\"protocol\": \"tcp\", \"ports\": \"90-80\"}}"));
        assertEquals(List.of("switches[0].rules[0].match.inside: a static rule matches its own \"inside\"; only"
                        + " outside and protocol may be set",
                "switches[0].rules[0].match.ports: a static rule maps whole addresses; only outside and protocol"
                        + " may be set"),
                ruleErrors("{\"type\": \"static\", \"inside\": \"10.0.0.12\", \"public\": \"203.0.113.12\","
                        + " \"match\": {\"inside\": \"10.0.0.12\", \"ports\": 80}}"));
        assertEquals(List.of("switches[0].rules[0].match: a twice rule takes no match: its traffic follows from its"
                + " addresses"), ruleErrors("{\"type\": \"twice\", \"inside\": \"10.0.0.0/24\", \"insideAs\":"
                + " \"10.88.0.0/24\", \"outside\": \"10.0.0.0/24\", \"outsideAs\": \"10.99.0.0/24\", \"match\": {}}"));
    }

    @Test
    void addressListMistakes() {
        assertEquals(List.of("switches[0].rules[0].addresses: required"), ruleErrors("{\"type\": \"pool\"}"));
        assertEquals(List.of("switches[0].rules[0].addresses: [] must not be empty"),
                ruleErrors("{\"type\": \"masquerade\", \"addresses\": []}"));
        assertEquals(List.of("switches[0].rules[0].addresses[0]: \"203.0.113.29-203.0.113.20\" ends before it starts",
                        "switches[0].rules[0].addresses[2]: 203.0.113.41 is listed twice",
                        "switches[0].rules[0].addresses[3]: \"203.0.113.x\" is not an address, a range (\"a-b\") or a"
                                + " prefix (\"a/n\")"),
                ruleErrors("{\"type\": \"pool\", \"addresses\": [\"203.0.113.29-203.0.113.20\", \"203.0.113.40/30\","
                        + " \"203.0.113.41\", \"203.0.113.x\"]}"));
        assertEquals(List.of("switches[0].rules[0].fallback: \"203.0.113.20\" is also in addresses; the fallback is"
                + " shared by every host, so it cannot be handed to one"), ruleErrors("{\"type\": \"pool\","
                + " \"addresses\": [\"203.0.113.20-203.0.113.29\"], \"fallback\": \"203.0.113.20\"}"));
    }

    @Test
    void staticNetmapAndTwiceMistakes() {
        assertEquals(List.of("switches[0].rules[0].inside: required",
                        "switches[0].rules[0].public: \"203.0.113.0/28\" is a prefix; a static rule maps one address"
                                + " (type \"netmap\" maps prefixes)"),
                ruleErrors("{\"type\": \"static\", \"public\": \"203.0.113.0/28\"}"));
        assertEquals(List.of("switches[0].rules[0].inside: \"10.0.0.16\" is one address; a netmap rule maps a prefix"
                + " (type \"static\" maps one address)"), ruleErrors("{\"type\": \"netmap\", \"inside\": \"10.0.0.16\","
                + " \"public\": \"203.0.113.48/28\"}"));
        assertEquals(List.of("switches[0].rules[0].public: \"203.0.113.32/27\" is a /27, inside a /28; host bits are"
                + " kept, so both need the same length"), ruleErrors("{\"type\": \"netmap\", \"inside\":"
                + " \"10.0.0.16/28\", \"public\": \"203.0.113.32/27\"}"));
        assertEquals(List.of("switches[0].rules[0].insideAs: \"10.88.0.0/16\" is a /16, inside a /24; host bits are"
                        + " kept, so both need the same length",
                "switches[0].rules[0].outsideAs: \"10.99.0.0/25\" is a /25, outside a /24; host bits are kept, so"
                        + " both need the same length"),
                ruleErrors("{\"type\": \"twice\", \"inside\": \"10.0.0.0/24\", \"insideAs\": \"10.88.0.0/16\","
                        + " \"outside\": \"10.0.0.0/24\", \"outsideAs\": \"10.99.0.0/25\"}"));
    }

    @Test
    void forwardAndVirtualServerMistakes() {
        assertEquals(List.of("switches[0].rules[0].protocol: \"icmp\" is not \"tcp\" or \"udp\"",
                        "switches[0].rules[0].public: \"203.0.113.1\" is not an address and port (like"
                                + " \"203.0.113.1:8080\" or \"203.0.113.1:5000-5009\")",
                        "switches[0].rules[0].inside: \"10.0.0.13:80-90\" is not an address and port (like"
                                + " \"10.0.0.13:80\" or \"10.0.0.13\")"),
                ruleErrors("{\"type\": \"portForward\", \"protocol\": \"icmp\", \"public\": \"203.0.113.1\","
                        + " \"inside\": \"10.0.0.13:80-90\"}"));
        assertEquals(List.of("switches[0].rules[0].public: \"203.0.113.1:1000-3000\" has 2001 ports; a forward takes"
                + " at most 1024 (map a whole address with a static rule)"), ruleErrors("{\"type\": \"portForward\","
                + " \"protocol\": \"tcp\", \"public\": \"203.0.113.1:1000-3000\", \"inside\": \"10.0.0.13\"}"));
        assertEquals(List.of("switches[0].rules[0].inside: \"10.0.0.13:65530\" with 10 ports would end beyond port"
                + " 65535"), ruleErrors("{\"type\": \"portForward\", \"protocol\": \"udp\", \"public\":"
                + " \"203.0.113.1:5000-5009\", \"inside\": \"10.0.0.13:65530\"}"));
        assertEquals(List.of("switches[0].rules[0].policy: \"random\" is not a policy (\"roundRobin\", \"weighted\","
                        + " \"leastConnections\" or \"bytes\")",
                "switches[0].rules[0].servers[1].weight: 1001 is not a weight (0..1000)",
                "switches[0].rules[0].servers[2].address: \"10.0.0.13:80\" is also used by"
                        + " switches[0].rules[0].servers[0].address",
                "switches[0].rules[0].healthCheck.failures: 0 is not a count (1..100)"),
                ruleErrors("{\"type\": \"virtualServer\", \"protocol\": \"tcp\", \"public\": \"203.0.113.80:80\","
                        + " \"policy\": \"random\", \"servers\": [{\"address\": \"10.0.0.13:80\"},"
                        + " {\"address\": \"10.0.0.14:80\", \"weight\": 1001}, {\"address\": \"10.0.0.13:80\"}],"
                        + " \"healthCheck\": {\"failures\": 0}}"));
    }

    @Test
    void theChainIsValidatedAtTheRulesPath() {
        assertEquals(List.of("switches[0].rules[1]: rule 'h2' (static, inside 10.0.0.12/32, outside any, any)"
                        + " overlaps rule 'lan' (masquerade, inside any, outside any, any) at position 1; a static"
                        + " rule's flows are installed in advance and would take that traffic anyway: move it before"
                        + " rule 'lan'"),
                errors(withRules("[{\"id\": \"lan\", \"type\": \"masquerade\"},"
                        + " {\"id\": \"h2\", \"type\": \"static\", \"inside\": \"10.0.0.12\", \"public\": \"203.0.113.12\"}]")));
        assertEquals(List.of("switches[0].rules[1].id: rule id 'a' is already used by the rule at position 1"),
                errors(withRules("[{\"id\": \"a\", \"type\": \"masquerade\", \"match\": {\"protocol\": \"udp\"}},"
                        + " {\"id\": \"a\", \"type\": \"masquerade\"}]")));
        assertEquals(List.of("switches[0].rules[0].inside: rule 'h9': inside 192.168.1.9 is not in an inside network of"
                + " the switch (10.0.0.0/24)"), errors(withRules("[{\"id\": \"h9\", \"type\": \"static\", \"inside\":"
                + " \"192.168.1.9\", \"public\": \"203.0.113.12\"}]")));
        assertEquals(List.of("switches[0].rules[1].addresses: rule 'p2': addresses 203.0.113.28-203.0.113.30 overlaps"
                + " addresses 203.0.113.20-203.0.113.29 of rule 'p1' (position 1); a pool rule's addresses belong"
                + " to it alone"), errors(withRules("[{\"id\": \"p1\", \"type\": \"pool\", \"addresses\":"
                + " [\"203.0.113.20-203.0.113.29\"], \"match\": {\"protocol\": \"tcp\"}}, {\"id\": \"p2\", \"type\":"
                + " \"pool\", \"addresses\": [\"203.0.113.28-203.0.113.30\"]}]")));
    }
}
