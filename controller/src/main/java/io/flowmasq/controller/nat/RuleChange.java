package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.rules.Rule;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** What an operator's change to a rule chain did: the messages to send, or why it was refused. */
public sealed interface RuleChange {
    /**
     * Done: {@code messages} install (or remove) the rule's flows; {@code position} is where an added rule now
     * is; {@code bindingsRemoved} how many bindings a deleted rule took with it.
     */
    record Applied(Rule rule, int position, List<OFMessage> messages, int bindingsRemoved) implements RuleChange {
        public Applied {
            messages = List.copyOf(messages);
        }
    }

    /**
     * Refused, nothing changed: {@code field} is the request's field at fault, {@code conflictsWith} the id of
     * the rule in the way (null when the rule is simply not acceptable).
     */
    record Refused(boolean conflict, String field, String message, String conflictsWith) implements RuleChange {
    }
}
