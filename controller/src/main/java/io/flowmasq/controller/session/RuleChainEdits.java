package io.flowmasq.controller.session;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.RuleChange;
import io.flowmasq.controller.nat.rules.RuleChain;
import io.flowmasq.controller.nat.rules.RuleRefusal;
import io.flowmasq.controller.nat.rules.RuleValidator;
import io.flowmasq.flowcompiler.rules.Rule;
import java.util.List;
import java.util.Optional;

/**
 * Changes to the rule chain of a switch that has never connected (it has no engine yet): checked exactly as
 * the engine checks them, so a rule accepted now is one the engine will accept when the switch connects.
 */
final class RuleChainEdits {
    private RuleChainEdits() {
    }

    static RuleChange insert(SwitchConfig config, List<Rule> rules, Rule rule, int position) {
        if (position < 1 || position > rules.size() + 1) {
            return new RuleChange.Refused(false, "position", "position must be 1.." + (rules.size() + 1) + ": "
                    + position, null);
        }
        RuleChain chain = RuleChain.of(rules);
        if (chain.byId(rule.id()).isPresent()) {
            return new RuleChange.Refused(true, "id", "rule '" + rule.id() + "' already exists", rule.id());
        }
        Optional<RuleRefusal> refusal = RuleValidator.check(chain.insert(position, rule), config, rule.id());
        if (refusal.isPresent()) {
            RuleRefusal r = refusal.get();
            return new RuleChange.Refused(r.conflictsWith() != null, r.field(), r.message(), r.conflictsWith());
        }
        return new RuleChange.Applied(rule, position, List.of(), 0);
    }

    static List<Rule> inserted(List<Rule> rules, Rule rule, int position) {
        return RuleChain.of(rules).insert(position, rule).rules();
    }
}
