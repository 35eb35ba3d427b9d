package io.flowmasq.controller.nat.rules;

import static io.flowmasq.controller.nat.rules.RuleFixtures.ip;
import static io.flowmasq.controller.nat.rules.RuleFixtures.masquerade;
import static io.flowmasq.controller.nat.rules.RuleFixtures.staticNat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.Rule;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Insert shifts later rules down, delete keeps the order, the first matching outbound rule wins. */
class RuleChainTest {
    private final Rule a = masquerade("a", "10.0.0.0/25");
    private final Rule b = masquerade("b", "10.0.0.0/24");
    private final Rule c = staticNat("c", "10.0.0.12", "203.0.113.12");
    private final RuleChain chain = RuleChain.of(List.of(a, b));

    private static List<String> ids(RuleChain chain) {
        return chain.rules().stream().map(Rule::id).toList();
    }

    @Test
    void insertAtOneShiftsEveryRuleDown() {
        RuleChain inserted = chain.insert(1, c);
        assertEquals(List.of("c", "a", "b"), ids(inserted));
        assertEquals(1, inserted.positionOf("c"));
        assertEquals(2, inserted.positionOf("a"));
        assertEquals(3, inserted.positionOf("b"));
        assertEquals(List.of("a", "b"), ids(chain)); // the original is unchanged
    }

    @Test
    void insertInTheMiddleAndAppend() {
        assertEquals(List.of("a", "c", "b"), ids(chain.insert(2, c)));
        assertEquals(List.of("a", "b", "c"), ids(chain.insert(3, c)));
        assertEquals(chain.insert(3, c), chain.append(c));
    }

    @Test
    void insertOutsideOneToSizePlusOneIsRefused() {
        assertEquals("position 0 outside 1..3",
                assertThrows(IllegalArgumentException.class, () -> chain.insert(0, c)).getMessage());
        assertEquals("position 4 outside 1..3",
                assertThrows(IllegalArgumentException.class, () -> chain.insert(4, c)).getMessage());
    }

    @Test
    void deleteKeepsTheOrderOfTheOthers() {
        RuleChain three = chain.insert(2, c);
        assertEquals(List.of("a", "b"), ids(three.delete("c")));
        assertEquals(List.of("c", "b"), ids(three.delete("a")));
        assertEquals(List.of("a", "c"), ids(three.delete("b")));
        assertEquals(2, three.delete("a").positionOf("b"));
    }

    @Test
    void unknownIds() {
        assertEquals("no rule 'x'", assertThrows(NoSuchElementException.class, () -> chain.delete("x")).getMessage());
        assertEquals(0, chain.positionOf("x"));
        assertEquals(Optional.empty(), chain.byId("x"));
        assertEquals(Optional.of(b), chain.byId("b"));
        assertEquals(b, chain.at(2));
    }

    @Test
    void theFirstMatchingOutboundRuleWinsAndForwardsAreLeftOut() {
        Rule fwd = RuleFixtures.forward("f", Protocol.TCP, "203.0.113.1", 8080, 8080, "10.0.0.12", 80);
        Rule twice = RuleFixtures.twice("t", "10.0.0.0/24", "10.88.0.0/24", "10.0.0.0/24", "10.99.0.0/24");
        RuleChain rules = RuleChain.of(List.of(fwd, c, twice, a, b));
        assertEquals(Optional.of(c), rules.firstOutbound(ip("10.0.0.12"), ip("198.51.100.20"), 6, 80));
        assertEquals(Optional.of(twice), rules.firstOutbound(ip("10.0.0.11"), ip("10.99.0.21"), 17, 53));
        assertEquals(Optional.of(a), rules.firstOutbound(ip("10.0.0.11"), ip("198.51.100.20"), 1, 0));
        assertEquals(Optional.of(b), rules.firstOutbound(ip("10.0.0.200"), ip("198.51.100.20"), 6, 443));
        assertEquals(Optional.empty(), rules.firstOutbound(ip("192.168.0.1"), ip("198.51.100.20"), 6, 443));
    }
}
