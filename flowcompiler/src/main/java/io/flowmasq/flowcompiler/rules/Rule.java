package io.flowmasq.flowcompiler.rules;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a switch's NAT rule chain: a stable operator-facing {@code id} (a name), the controller-wide
 * {@code number} its flows' cookies carry ({@link RuleCookies}), what traffic it applies to and what it does
 * with it. For a new flow the first matching rule wins.
 */
public record Rule(String id, int number, RuleMatch match, RuleForm form) {
    /** Letters, digits, '-', '_' and '.', starting with a letter or digit: safe in URLs, logs and shells. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Rule {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("rule id must be 1-64 letters, digits, '.', '-' or '_': " + id);
        }
        if (number < 1 || number > RuleCookies.MAX_RULE_NUMBER) {
            throw new IllegalArgumentException("rule number out of range: " + number);
        }
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(form, "form");
    }

    public Rule withNumber(int n) {
        return new Rule(id, n, match, form);
    }

    /** Whether the switch translates this rule's traffic with flows installed in advance (no packet-in). */
    public boolean proactive() {
        return form instanceof RuleForm.StaticNat || form instanceof RuleForm.TwiceNat;
    }
}
