package io.flowmasq.controller.nat.rules;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * Whether a switch's rule chain is usable (docs/configuration.md, "Rules"): the rule's addresses against the
 * switch's interfaces, ids unique, public addresses owned once, no rule unreachable behind an earlier one, no
 * proactive rule behind a dynamic rule it overlaps. Pure: the same chain and switch give the same answer.
 */
public final class RuleValidator {
    /** The most inside hosts one static, netmap or twice rule may map (a /20): each may cost a pair of flows. */
    public static final int MAX_MAPPED_HOSTS = 4096;

    /** A refusal of the rule at a 1-based position of the chain (config load reports it at that rule). */
    public record PositionedRefusal(int position, RuleRefusal refusal) {
    }

    private RuleValidator() {
    }

    /**
     * The first reason to refuse {@code candidate}, checking the rule {@code changedRuleId} (just inserted or
     * changed) against the switch and against every other rule, earlier and later ones; empty when it is
     * acceptable. IllegalArgumentException when the chain has no such rule.
     */
    public static Optional<RuleRefusal> check(RuleChain candidate, SwitchConfig cfg, String changedRuleId) {
        int position = candidate.positionOf(changedRuleId);
        if (position == 0) {
            throw new IllegalArgumentException("no rule '" + changedRuleId + "' in the candidate chain");
        }
        return check(candidate.rules(), position - 1, cfg);
    }

    /** Every rule checked against the switch and the rules before it, as config load does. */
    public static List<PositionedRefusal> checkAll(RuleChain chain, SwitchConfig cfg) {
        List<PositionedRefusal> result = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            int index = i;
            check(chain.rules().subList(0, i + 1), i, cfg)
                    .ifPresent(r -> result.add(new PositionedRefusal(index + 1, r)));
        }
        return result;
    }

    private static Optional<RuleRefusal> check(List<Rule> rules, int index, SwitchConfig cfg) {
        Rule rule = rules.get(index);
        Optional<RuleRefusal> alone = RuleAddresses.againstSwitch(rule, cfg);
        if (alone.isPresent()) {
            return alone;
        }
        for (int j = 0; j < rules.size(); j++) {
            if (j != index && rules.get(j).id().equals(rule.id())) {
                return Optional.of(new RuleRefusal("id", "rule id '" + rule.id() + "' is already used by the rule at"
                        + " position " + (j + 1), rule.id()));
            }
        }
        for (int j = 0; j < rules.size(); j++) {
            if (j != index) {
                Optional<RuleRefusal> shared = RuleAddresses.againstRule(rule, rules.get(j), j + 1);
                if (shared.isPresent()) {
                    return shared;
                }
            }
        }
        for (int j = 0; j < rules.size(); j++) {
            Optional<RuleRefusal> order = j < index ? order(rules.get(j), j + 1, rule, index + 1, false)
                    : j > index ? order(rule, index + 1, rules.get(j), j + 1, true) : Optional.empty();
            if (order.isPresent()) {
                return order;
            }
        }
        return Optional.empty();
    }

    /**
     * Checks 1 and 2 for {@code earlier} before {@code later}; {@code changedIsEarlier} says which of them the
     * refusal is about (the message speaks of the rule being added).
     */
    private static Optional<RuleRefusal> order(Rule earlier, int earlierPos, Rule later, int laterPos,
                                               boolean changedIsEarlier) {
        if (!RuleMatches.outbound(earlier) || !RuleMatches.outbound(later)) {
            return Optional.empty(); // forwards and virtual servers are reached from outside
        }
        RuleMatch e = RuleMatches.implied(earlier);
        RuleMatch l = RuleMatches.implied(later);
        if (later.proactive() && RuleMatches.dynamic(earlier) && l.overlaps(e)) {
            // The switch matches the later rule's flows before any packet-in, so it would win over the earlier one.
            String why = "rule '" + later.id() + "' (" + later.form().type() + ", " + l + ") overlaps rule '"
                    + earlier.id() + "' (" + earlier.form().type() + ", " + e + ")";
            return Optional.of(changedIsEarlier
                    ? new RuleRefusal("", why + ", which would come before it at position " + earlierPos
                            + "; a " + later.form().type() + " rule's flows are installed in advance and would take"
                            + " the traffic anyway: insert rule '" + earlier.id() + "' after rule '" + later.id()
                            + "' (position " + laterPos + ")", later.id())
                    : new RuleRefusal("", why + " at position " + earlierPos + "; a " + later.form().type()
                            + " rule's flows are installed in advance and would take that traffic anyway: move it"
                            + " before rule '" + earlier.id() + "'", earlier.id()));
        }
        if (earlier.form() instanceof RuleForm.TwiceNat && later.form() instanceof RuleForm.StaticNat
                && l.overlaps(e)) {
            // A static host's flows and a twice-NAT pair's flows sit at one priority with overlapping matches: the
            // switch would pick either. The static rule's flows, made in advance, would also take the traffic the
            // earlier twice rule owns before its trap could send it up.
            String why = "rule '" + later.id() + "' (" + later.form().type() + ", " + l + ") overlaps twice rule '"
                    + earlier.id() + "' (" + e + ")";
            return Optional.of(changedIsEarlier
                    ? new RuleRefusal("", why + ", which would come before it at position " + earlierPos
                            + "; their flows would collide: insert rule '" + earlier.id() + "' after rule '"
                            + later.id() + "' (position " + laterPos + ")", later.id())
                    : new RuleRefusal("", why + " at position " + earlierPos + "; their flows would collide: move"
                            + " it before rule '" + earlier.id() + "'", earlier.id()));
        }
        if (l.coveredBy(e)) {
            return Optional.of(changedIsEarlier
                    ? new RuleRefusal("", "rule '" + earlier.id() + "' would make rule '" + later.id()
                            + "' (position " + laterPos + ") unreachable: it would take all its traffic (" + l + ")",
                            later.id())
                    : new RuleRefusal("", "rule '" + later.id() + "' can never match: rule '" + earlier.id()
                            + "' (position " + earlierPos + ") takes all its traffic (" + l + ")", earlier.id()));
        }
        return Optional.empty();
    }

    /** The switch's inside networks as prefixes. */
    static List<IPv4AddressWithMask> insideNetworks(SwitchConfig cfg) {
        List<IPv4AddressWithMask> result = new ArrayList<>();
        for (InsideConfig i : cfg.inside()) {
            result.add(Prefixes.normalise(i.gateway().withMaskOfLength(i.prefixLength())));
        }
        return result;
    }

    static boolean inside(List<IPv4AddressWithMask> networks, IPv4AddressWithMask p) {
        return networks.stream().anyMatch(n -> Prefixes.covers(n, p));
    }

    static Optional<IPv4AddressWithMask> overlapping(List<IPv4AddressWithMask> networks, IPv4AddressWithMask p) {
        return networks.stream().filter(n -> Prefixes.overlap(n, p)).findFirst();
    }

    /** Checks only the rule's own form (used by {@link RuleAddresses}). */
    static boolean mapsTooMany(IPv4AddressWithMask p) {
        return Prefixes.size(p) > MAX_MAPPED_HOSTS;
    }
}
