package io.flowmasq.controller.nat.rules;

import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * One switch's rules in order (positions 1..size); for a new flow the first matching rule wins. Immutable:
 * every change returns a new chain, so a candidate can be validated before it replaces the one in force.
 * Duplicate ids are representable (a candidate may carry one) and refused by {@link RuleValidator}.
 */
public final class RuleChain {
    private final List<Rule> rules;
    /** The outbound rules with their implied matches, in order: worked out once, not per first packet. */
    private final List<Rule> outbound;
    private final List<RuleMatch> outboundMatches;

    private RuleChain(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        List<Rule> out = new ArrayList<>();
        List<RuleMatch> matches = new ArrayList<>();
        for (Rule r : this.rules) {
            if (RuleMatches.outbound(r)) {
                out.add(r);
                matches.add(RuleMatches.implied(r));
            }
        }
        this.outbound = List.copyOf(out);
        this.outboundMatches = List.copyOf(matches);
    }

    public static RuleChain of(List<Rule> rules) {
        return new RuleChain(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }

    /** The first rule with this id. */
    public Optional<Rule> byId(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The 1-based position of the first rule with this id; 0 when there is none. */
    public int positionOf(String id) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).id().equals(id)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The rule at 1-based {@code position}. */
    public Rule at(int position) {
        checkPosition(position, rules.size());
        return rules.get(position - 1);
    }

    /**
     * {@code rule} at 1-based {@code position} (size + 1 appends); the rule there and every later one move one
     * down. IllegalArgumentException outside 1..size+1.
     */
    public RuleChain insert(int position, Rule rule) {
        checkPosition(position, rules.size() + 1);
        List<Rule> copy = new ArrayList<>(rules);
        copy.add(position - 1, rule);
        return new RuleChain(copy);
    }

    public RuleChain append(Rule rule) {
        return insert(rules.size() + 1, rule);
    }

    /** Without the rule {@code id}; later rules move one up. NoSuchElementException for an unknown id. */
    public RuleChain delete(String id) {
        int position = positionOf(id);
        if (position == 0) {
            throw new NoSuchElementException("no rule '" + id + "'");
        }
        List<Rule> copy = new ArrayList<>(rules);
        copy.remove(position - 1);
        return new RuleChain(copy);
    }

    /**
     * The rule that takes a new flow from inside: the first masquerade, pool, static/netmap or twice rule whose
     * implied match holds ({@link RuleMatches#implied}). {@code dstPort} is ignored for protocols without ports.
     */
    public Optional<Rule> firstOutbound(IPv4Address src, IPv4Address dst, int ipProtocol, int dstPort) {
        for (int i = 0; i < outbound.size(); i++) {
            if (outboundMatches.get(i).matches(src, dst, ipProtocol, dstPort)) {
                return Optional.of(outbound.get(i));
            }
        }
        return Optional.empty();
    }

    private static void checkPosition(int position, int max) {
        if (position < 1 || position > max) {
            throw new IllegalArgumentException("position " + position + " outside 1.." + max);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleChain c && c.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }

    @Override
    public String toString() {
        return "RuleChain" + rules;
    }
}
