package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.rules.RuleChain;
import io.flowmasq.controller.nat.rules.RuleRefusal;
import io.flowmasq.controller.nat.rules.RuleValidator;
import io.flowmasq.flowcompiler.rules.Rule;
import java.util.Optional;

/**
 * Whether a rule may go into a chain at a position: the checks a running engine and a switch that has never
 * connected (no engine yet) share, so a rule accepted offline is one the engine accepts when the switch connects.
 */
public final class RuleInsertion {
    private RuleInsertion() {
    }

    /** Why {@code rule} may not go in at {@code position} (1-based; size + 1 appends); empty when it may. */
    public static Optional<RuleChange.Refused> refusal(RuleChain chain, SwitchConfig config, Rule rule, int position) {
        if (position < 1 || position > chain.size() + 1) {
            return Optional.of(new RuleChange.Refused(false, "position", "position must be 1.." + (chain.size() + 1)
                    + ": " + position, null));
        }
        if (chain.byId(rule.id()).isPresent()) {
            return Optional.of(new RuleChange.Refused(true, "id", "rule '" + rule.id() + "' already exists",
                    rule.id()));
        }
        Optional<RuleRefusal> refusal = RuleValidator.check(chain.insert(position, rule), config, rule.id());
        return refusal.map(r -> new RuleChange.Refused(r.conflictsWith() != null, r.field(), r.message(),
                r.conflictsWith()));
    }
}
