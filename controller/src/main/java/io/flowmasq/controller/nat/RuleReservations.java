package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The public ports a port forward or a virtual server holds for its rule's life, taken from the NAPT allocator
 * so that no outbound flow is given one (port shadowing).
 */
final class RuleReservations {
    /** The owner a rule's reservation is released as (reservations carry no owner of their own). */
    private static final Endpoint RULE = new Endpoint(IPv4Address.NONE, 0);

    private RuleReservations() {
    }

    /**
     * Takes every endpoint in {@code external}; when one is the public endpoint of a live binding, gives back
     * what it took and says which binding is in the way.
     */
    static Optional<String> reserve(Protocol protocol, List<Endpoint> external, NaptAllocator allocator,
                                    BindingTable table) {
        List<Endpoint> taken = new ArrayList<>();
        for (Endpoint e : external) {
            NaptAllocator.Reservation r = allocator.reserve(protocol, e);
            if (r == NaptAllocator.Reservation.IN_USE) {
                taken.forEach(t -> release(protocol, t, allocator, 0));
                String who = table.byExternal(protocol, e)
                        .map(b -> "binding " + b.id() + " (inside " + b.inside() + ")").orElse("a binding being set up");
                return Optional.of(protocol.label() + " " + e + " is in use by " + who);
            }
            if (r == NaptAllocator.Reservation.RESERVED) {
                taken.add(e);
            }
        }
        return Optional.empty();
    }

    /** Gives one reserved endpoint back; it cools for the reuse delay like any released port. */
    static void release(Protocol protocol, Endpoint external, NaptAllocator allocator, long now) {
        allocator.release(protocol, external, RULE, now);
    }
}
