package io.flowmasq.flowcompiler.rules;

import java.util.Optional;
import org.projectfloodlight.openflow.types.U64;

/**
 * What a kind-0x04 cookie names: rule {@code rule}'s flow {@code entry} (a static host's offset, a twice
 * pair's number, or {@link RuleCookies#RULE_ENTRY} for the rule's traps).
 */
public record RuleFlowRef(int rule, int entry) {
    public RuleFlowRef {
        RuleCookies.flow(rule, entry); // checks both ranges
    }

    /** The reference a cookie carries; empty when it is not a rule flow's (or names rule 0). */
    public static Optional<RuleFlowRef> of(U64 cookie) {
        if (cookie == null || !RuleCookies.isRuleFlow(cookie)) {
            return Optional.empty();
        }
        int rule = RuleCookies.ruleOf(cookie);
        return rule == 0 ? Optional.empty() : Optional.of(new RuleFlowRef(rule, RuleCookies.entryOf(cookie)));
    }

    /** Whether this is a flow of the rule as a whole (a trap), not of one host or pair. */
    public boolean wholeRule() {
        return entry == RuleCookies.RULE_ENTRY;
    }

    public U64 cookie() {
        return RuleCookies.flow(rule, entry);
    }
}
