package io.flowmasq.controller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.controller.nat.rules.RuleJson;
import io.flowmasq.controller.nat.rules.RuleRefusal;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import io.flowmasq.flowcompiler.rules.RuleProtocol;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

/** One rule from a REST body (errors relative to the rule), and {@link RuleJson} read back to the same rule. */
class RuleReaderRestTest {
    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    @Test
    void aBodyWithPositionGivesTheRuleNumberedByTheCaller() {
        RuleReader.Result r = RuleReader.readOne(json("{\"position\": 1, \"id\": \"h2\", \"type\": \"static\","
                + " \"inside\": \"10.0.0.12\", \"public\": \"203.0.113.12\"}"), 42);
        assertEquals(List.of(), r.errors());
        assertEquals(Optional.of(new Rule("h2", 42, RuleMatch.ANY, new RuleForm.StaticNat(
                Prefixes.of("10.0.0.12", 32), Prefixes.of("203.0.113.12", 32)))), r.rule());
    }

    @Test
    void theDefaultIdIsTheNumberOrTheCallersChoice() {
        assertEquals("rule-9", RuleReader.readOne(json("{\"type\": \"masquerade\"}"), 9).rule().orElseThrow().id());
        assertEquals("rule-3", RuleReader.readOne(json("{\"type\": \"masquerade\"}"), 9, "rule-3").rule()
                .orElseThrow().id());
    }

    @Test
    void errorsNameTheFieldRelativeToTheRule() {
        RuleReader.Result r = RuleReader.readOne(json("{\"type\": \"virtualServer\", \"protocol\": \"tcp\","
                + " \"public\": \"203.0.113.80\", \"servers\": [{\"address\": \"10.0.0.13:80\"},"
                + " {\"address\": \"10.0.0.14:80\", \"weight\": -1}], \"colour\": \"red\"}"), 5);
        assertEquals(Optional.empty(), r.rule());
        assertEquals(List.of(RuleRefusal.of("colour", "unknown field"),
                RuleRefusal.of("public", "\"203.0.113.80\" is not an address and port (like \"10.0.0.13:80\")"),
                RuleRefusal.of("servers[1].weight", "-1 is not a weight (0..1000)")), r.errors());
        assertTrue(r.errors().stream().allMatch(e -> e.conflict().isEmpty()));
        assertEquals(List.of(RuleRefusal.of("match.protocol", "\"gre\" is not a protocol (\"any\", \"tcp\", \"udp\""
                + " or \"icmp\")")), RuleReader.readOne(json("{\"type\": \"masquerade\", \"match\": {\"protocol\":"
                + " \"gre\"}}"), 5).errors());
        assertEquals(List.of(RuleRefusal.of("type", "required (one of \"masquerade\", \"pool\", \"static\","
                + " \"netmap\", \"twice\", \"portForward\", \"virtualServer\")")),
                RuleReader.readOne(json("{}"), 5).errors());
    }

    @Test
    void everyFormOfTheExampleReadsBackFromItsJson() throws Exception {
        List<Rule> rules = ConfigLoader.validate(Path.of("..", "examples", "rules.json")).config().switches().get(0)
                .rules();
        assertEquals(8, rules.size());
        for (Rule r : rules) {
            assertEquals(Optional.of(r), RuleReader.readOne(RuleJson.toJson(r), r.number(), "unused").rule(),
                    r.id());
        }
    }

    @Test
    void matchesAndShortAddressListsReadBack() {
        List<Rule> rules = List.of(
                new Rule("m", 3, new RuleMatch(Prefixes.of("10.0.0.0", 25), Prefixes.of("198.51.100.9", 32),
                        RuleProtocol.UDP, new io.flowmasq.flowcompiler.rules.PortSpan(53, 54)),
                        new RuleForm.Masquerade(List.of(IPv4Address.of("203.0.113.2"), IPv4Address.of("203.0.113.3"),
                                IPv4Address.of("203.0.113.1")))),
                new Rule("s", 4, new RuleMatch(RuleMatch.ANY_PREFIX, Prefixes.of("198.51.100.0", 24),
                        RuleProtocol.ICMP, io.flowmasq.flowcompiler.rules.PortSpan.ANY),
                        new RuleForm.StaticNat(Prefixes.of("10.0.0.12", 32), Prefixes.of("203.0.113.12", 32))),
                new Rule("p", 5, RuleMatch.ANY, new RuleForm.AddressPool(List.of(IPv4Address.of("203.0.113.9"),
                        IPv4Address.of("203.0.113.5"), IPv4Address.of("203.0.113.6"), IPv4Address.of("203.0.113.7")),
                        Optional.empty())));
        for (Rule r : rules) {
            assertEquals(Optional.of(r), RuleReader.readOne(RuleJson.toJson(r), r.number()).rule(), r.id());
        }
        assertEquals(json("{\"id\": \"p\", \"type\": \"pool\", \"addresses\": [\"203.0.113.9\","
                        + " \"203.0.113.5-203.0.113.7\"], \"match\": {\"inside\": \"any\", \"outside\": \"any\","
                        + " \"protocol\": \"any\", \"ports\": \"any\"}}"), RuleJson.toJson(rules.get(2)));
    }
}
