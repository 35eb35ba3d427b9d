package io.flowmasq.flowcompiler;

import io.flowmasq.flowcompiler.rules.RuleFlowRef;
import java.util.Objects;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.U64;

/**
 * One flow a switch reported in a flow-stats reply, read back by {@link FlowDecompiler}: what its cookie
 * says it is, and for a binding's flow what its match and actions say ({@link #half()}).
 *
 * @param kind           what the cookie names ({@link Cookies})
 * @param id             the binding's or hairpin's id (the cookie's low 48 bits), 0 for other kinds
 * @param half           a binding flow's facts; null when the flow is not a binding's or could not be read
 *                       (then {@link #undecodable()} says why)
 * @param idleTimeout    seconds, as installed (a binding's clock is on its outbound flow)
 * @param durationMillis how long the flow has been in the table
 */
public record InstalledFlow(U64 cookie, int priority, Match match, Kind kind, long id, BindingHalf half,
                            String undecodable, int idleTimeout, long durationMillis, long packets, long bytes) {
    /** The cookie's verdict on whose flow this is. */
    public enum Kind {
        /** flowmasq's proactive pipeline (kind 0x00). */
        PIPELINE,
        /** One direction of a NAPT binding (kind 0x01). */
        BINDING,
        /** One direction of a hairpin (kind 0x02). */
        HAIRPIN,
        /**
         * A flow of a NAT rule (kind 0x04: static/netmap host, twice-NAT pair, a rule's traps); which one
         * {@link InstalledFlow#ruleFlow()} says, and {@code priority} and {@code match} delete it strictly.
         */
        RULE,
        /** flowmasq's tag with a kind this version does not know. */
        UNKNOWN_KIND,
        /** Not installed by flowmasq. */
        FOREIGN
    }

    public InstalledFlow {
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(kind, "kind");
    }

    public boolean isBinding() {
        return kind == Kind.BINDING && half != null;
    }

    /** The rule and entry a {@link Kind#RULE} flow's cookie names; empty for other kinds. */
    public Optional<RuleFlowRef> ruleFlow() {
        return kind == Kind.RULE ? RuleFlowRef.of(cookie) : Optional.empty();
    }
}
