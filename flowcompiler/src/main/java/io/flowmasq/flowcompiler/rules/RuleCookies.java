package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.Cookies;
import org.projectfloodlight.openflow.types.U64;

/**
 * Cookies of the flows a rule installs in advance, so that one cookie-masked delete (OF1.3) removes all of
 * them.
 *
 * <pre>
 *  63      56 55     48 47              24 23                 0
 * +----------+---------+------------------+--------------------+
 * |   0xF1   |  0x04   |   rule number    |       entry        |
 * +----------+---------+------------------+--------------------+
 * </pre>
 * The entry is the host's offset in a static or network rule's inside prefix, or {@link #RULE_ENTRY} for a
 * flow of the rule as a whole (a virtual server's new-connection flow).
 *
 * <p>A port forward's ports are static bindings (kind 0x01, so hairpinning, the FTP ALG and the REST
 * listing treat them as any binding), whose ids come from the rule's own block ({@link #forwardId}): bit 47
 * set, the rule number in bits 46..24, the port's index below. One masked delete on kind 0x01 with
 * {@link #FORWARD_MASK} removes them all; dynamic binding ids (from 1 up) never reach bit 47.
 */
public final class RuleCookies {
    public static final int MAX_RULE_NUMBER = (1 << 23) - 1;
    public static final int MAX_ENTRY = (1 << 24) - 2;
    public static final int RULE_ENTRY = (1 << 24) - 1;
    private static final long TAG = 0xF1L << 56;
    private static final long KIND_RULE = 0x04L << 48;
    private static final long KIND_MASK = 0xFFL << 56 | 0xFFL << 48;
    private static final long FORWARD_FLAG = 1L << 47;
    /** Cookie mask selecting every flow of one rule (kind 0x04) or every forward binding of one rule. */
    public static final U64 RULE_MASK = U64.of(0xFFFF_FFFF_FF00_0000L);
    public static final U64 FORWARD_MASK = U64.of(0xFFFF_FFFF_FF00_0000L);

    private RuleCookies() {
    }

    /** The cookie of one proactive flow of rule {@code number}. */
    public static U64 flow(int number, int entry) {
        checkNumber(number);
        if (entry < 0 || entry > RULE_ENTRY) {
            throw new IllegalArgumentException("rule entry out of range: " + entry);
        }
        return U64.of(TAG | KIND_RULE | (long) number << 24 | entry);
    }

    /** The cookie (with {@link #RULE_MASK}) of every kind-0x04 flow of rule {@code number}. */
    public static U64 ruleFlows(int number) {
        return flow(number, 0);
    }

    public static boolean isRuleFlow(U64 cookie) {
        return (cookie.getValue() & KIND_MASK) == (TAG | KIND_RULE);
    }

    /** The rule number of a rule flow's or a forward binding's cookie; 0 when it is neither. */
    public static int ruleOf(U64 cookie) {
        if (isRuleFlow(cookie)) {
            return (int) ((cookie.getValue() >>> 24) & MAX_RULE_NUMBER);
        }
        if (Cookies.isBinding(cookie) && isForwardId(Cookies.idOf(cookie))) {
            return forwardRuleOf(Cookies.idOf(cookie));
        }
        return 0;
    }

    public static int entryOf(U64 cookie) {
        return (int) (cookie.getValue() & RULE_ENTRY);
    }

    /** The binding id of port {@code index} of port-forward rule {@code number}. */
    public static long forwardId(int number, int index) {
        checkNumber(number);
        if (index < 0 || index > MAX_ENTRY) {
            throw new IllegalArgumentException("forward index out of range: " + index);
        }
        return FORWARD_FLAG | (long) number << 24 | index;
    }

    public static boolean isForwardId(long bindingId) {
        return (bindingId & FORWARD_FLAG) != 0 && bindingId <= Cookies.MAX_BINDING_ID;
    }

    public static int forwardRuleOf(long bindingId) {
        return (int) ((bindingId >>> 24) & MAX_RULE_NUMBER);
    }

    /** The binding cookie (with {@link #FORWARD_MASK}) of every forward binding of rule {@code number}. */
    public static U64 forwardBindings(int number) {
        return Cookies.binding(forwardId(number, 0));
    }

    private static void checkNumber(int number) {
        if (number < 1 || number > MAX_RULE_NUMBER) {
            throw new IllegalArgumentException("rule number out of range: " + number);
        }
    }
}
