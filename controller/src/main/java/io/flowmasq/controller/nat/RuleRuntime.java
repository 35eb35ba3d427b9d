package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.rules.Rule;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.U64;

/**
 * The live part of one rule of a switch's chain: the flows it installs in advance, the bindings it owns, the
 * packet-ins its traps send up. One per rule that needs more than a decision per first packet (static and
 * network NAT, twice NAT, port forwards, virtual servers). Driven by the engine's event loop; time in ms.
 */
interface RuleRuntime {
    Rule rule();

    /** Flows (and ARP requests) to send when the switch connects, or when the rule is added while it is. */
    List<OFMessage> start(long now);

    /** The rule is deleted: its flows, its bindings, its reservations go. */
    List<OFMessage> stop(long now);

    /** Once a second. */
    default List<OFMessage> onTick(long now) {
        return List.of();
    }

    /** A first packet from inside that this rule (the first match in the chain) takes. */
    default List<OFMessage> onOutbound(PacketRef ref, Ipv4Packet ip, InsideConfig inside, long now) {
        return List.of();
    }

    /** Whether a packet from the outside port is for this rule's traps. */
    default boolean takesInbound(Ipv4Packet ip) {
        return false;
    }

    /** A packet from outside sent up by one of this rule's traps ({@link #takesInbound}). */
    default List<OFMessage> onInbound(PacketRef ref, Ipv4Packet ip, long now) {
        return List.of();
    }

    /** The switch removed one of this rule's flows (cookie kind 0x04 with this rule's number). */
    default List<OFMessage> onFlowRemoved(U64 cookie, long now) {
        return List.of();
    }

    /** Whether the runtime owns this binding's public port for its lifetime (a release must not free it). */
    default boolean holdsPort(Binding b) {
        return false;
    }

    /** A binding of this rule went away (expired, deleted, lost): per-rule bookkeeping. */
    default void released(Binding b, long now) {
    }

    /** What the REST listing shows under the rule's {@code status}: small, JSON-friendly values only. */
    Map<String, Object> status(long now);
}
