package io.flowmasq.controller.nat.rules;

import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out rule numbers (the cookie field of a rule's flows), controller-wide and never reused while the
 * process lives, so a deleted rule's late flow-removed messages can never be taken for a new rule's. One
 * instance per controller; config rules take theirs first, in file order.
 */
public final class RuleNumbers {
    private final AtomicInteger last;

    /** Numbers from 1. */
    public RuleNumbers() {
        this(0);
    }

    private RuleNumbers(int last) {
        this.last = new AtomicInteger(last);
    }

    /** A counter whose next number follows every rule number already in use in {@code rules}. */
    public static RuleNumbers after(Iterable<Rule> rules) {
        RuleNumbers numbers = new RuleNumbers();
        rules.forEach(r -> numbers.advancePast(r.number()));
        return numbers;
    }

    /** The next unused number; IllegalStateException once the cookie field's 23 bits are used up. */
    public int next() {
        int n = last.incrementAndGet();
        if (n > RuleCookies.MAX_RULE_NUMBER) {
            last.set(RuleCookies.MAX_RULE_NUMBER);
            throw new IllegalStateException("rule numbers exhausted (" + RuleCookies.MAX_RULE_NUMBER + ")");
        }
        return n;
    }

    /** Makes sure {@link #next()} returns numbers above {@code used}. */
    public void advancePast(int used) {
        last.accumulateAndGet(used, Math::max);
    }

    /** The last number handed out (or advanced past); 0 before the first. */
    public int last() {
        return last.get();
    }
}
