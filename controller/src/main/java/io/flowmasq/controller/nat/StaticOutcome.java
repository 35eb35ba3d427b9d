package io.flowmasq.controller.nat;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** What became of a {@link StaticRequest}. */
public sealed interface StaticOutcome {
    /** The binding exists; {@code messages} install its flows. */
    record Created(Binding binding, List<OFMessage> messages) implements StaticOutcome {
        public Created {
            messages = List.copyOf(messages);
        }
    }

    /**
     * Refused for good: {@code field} ("inside", "public", "protocol") says which part of the request, and
     * {@code conflicting} the binding in the way (null when the request is simply not acceptable).
     */
    record Refused(boolean conflict, String field, String message, Long conflicting) implements StaticOutcome {
    }

    /**
     * Not yet possible: the inside host or the next hop has no known MAC. {@code messages} are the ARP
     * requests sent to find it; asking again once they are answered succeeds.
     */
    record Unresolved(String what, List<OFMessage> messages) implements StaticOutcome {
        public Unresolved {
            messages = List.copyOf(messages);
        }
    }
}
