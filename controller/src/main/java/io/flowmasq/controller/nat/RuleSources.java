package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Where a new mapping gets its public endpoint under the masquerade or pool rule that took its first packet:
 * NAPT within a masquerade rule's addresses (the switch's own when it names none), paired per host; or a pool
 * rule's address for the host (its lease, a free address, else NAPT on the pool's fallback address).
 */
final class RuleSources {
    private final SwitchConfig config;
    private final NaptAllocator allocator;
    private final RuleSet rules;
    private final CounterSink counters;

    RuleSources(SwitchConfig config, NaptAllocator allocator, RuleSet rules, CounterSink counters) {
        this.config = config;
        this.allocator = allocator;
        this.rules = rules;
        this.counters = counters;
    }

    /** A masquerade rule's addresses: its own, or the switch's {@code outside.publicAddresses} when it names none. */
    static List<IPv4Address> addressesOf(RuleForm.Masquerade m, SwitchConfig config) {
        return m.addresses().isEmpty() ? config.outside().publicAddresses() : m.addresses();
    }

    /** The source for {@code host}'s new mapping under {@code rule}; empty when its pool has nothing for it. */
    Optional<NaptTranslator.Source> sourceFor(Rule rule, IPv4Address host, long now) {
        if (rule.form() instanceof RuleForm.Masquerade m) {
            return Optional.of(new MasqueradeSource(rule.number(), addressesOf(m, config), allocator));
        }
        if (rule.form() instanceof RuleForm.AddressPool p) {
            PoolAllocator pool = rules.pool(rule.number()).orElseThrow();
            if (pool.leaseOf(host).isPresent() || pool.available(now) > 0) {
                return Optional.of(new PoolSource(rule.number(), pool));
            }
            if (p.fallback().isPresent()) {
                counters.increment("nat.pool.fallback");
                return Optional.of(new MasqueradeSource(rule.number(), List.of(p.fallback().get()), allocator));
            }
            return Optional.empty();
        }
        throw new IllegalStateException("rule '" + rule.id() + "' (" + rule.form().type() + ") has no NAPT source");
    }

    /** NAPT over a masquerade rule's addresses, paired within them (RFC 4787 REQ-2). */
    private record MasqueradeSource(int rule, List<IPv4Address> among, NaptAllocator allocator)
            implements NaptTranslator.Source {
        @Override
        public Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, long now) {
            return allocator.allocate(protocol, inside, among, now);
        }

        @Override
        public String describe(Endpoint inside) {
            return allocator.pairedAddress(inside.address(), among).toString();
        }
    }

    /**
     * Basic NAT: the host's own pool address with its own port (the address serves no one else, so the port
     * is free). The lease is held once per mapping and given back with the mapping's last session.
     */
    private record PoolSource(int rule, PoolAllocator pool) implements NaptTranslator.Source {
        @Override
        public Optional<Endpoint> allocate(Protocol protocol, Endpoint inside, long now) {
            Optional<IPv4Address> address = pool.lease(inside.address(), now);
            address.ifPresent(a -> pool.retain(inside.address()));
            return address.map(a -> new Endpoint(a, inside.port()));
        }

        @Override
        public String describe(Endpoint inside) {
            return "pool " + pool.addresses();
        }
    }
}
