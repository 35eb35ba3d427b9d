package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.ArpFrames;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static bindings an operator asks for: an inside endpoint always reachable at a public endpoint, from
 * any remote, with flows that never expire. They share the binding table, the port space and the
 * hairpinning of dynamic bindings; a request that collides with either is refused, naming what is in the
 * way, and nothing live is ever displaced.
 */
final class StaticBindings {
    private static final Logger LOG = LoggerFactory.getLogger(StaticBindings.class);

    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable table;
    private final NaptAllocator allocator;
    private final InsideHosts hosts;
    private final NextHopResolver nextHop;
    private final BindingIds ids;
    private final BindingListener listener;
    private final CounterSink counters;
    private final FtpAlgTranslator ftp;

    StaticBindings(SwitchConfig config, FlowCompiler compiler, BindingTable table, NaptAllocator allocator,
                   InsideHosts hosts, NextHopResolver nextHop, BindingIds ids, BindingListener listener,
                   CounterSink counters, FtpAlgTranslator ftp) {
        this.ftp = ftp;
        this.config = config;
        this.compiler = compiler;
        this.table = table;
        this.allocator = allocator;
        this.hosts = hosts;
        this.nextHop = nextHop;
        this.ids = ids;
        this.listener = listener;
        this.counters = counters;
    }

    StaticOutcome create(StaticRequest request, long now) {
        return create(request, 0, 0, now);
    }

    /**
     * A static binding with id {@code id} (0: the next free id) claimed by rule {@code rule} (0: an operator's
     * own): a port forward's bindings take their ids from their rule's block, so the rule's flows share a
     * cookie prefix.
     */
    StaticOutcome create(StaticRequest request, long id, int rule, long now) {
        Protocol protocol = request.protocol();
        if (protocol != Protocol.TCP && protocol != Protocol.UDP) {
            return new StaticOutcome.Refused(false, "protocol", "static bindings are tcp or udp, not "
                    + protocol.label(), null);
        }
        Optional<InsideConfig> inside = config.inside().stream()
                .filter(i -> i.contains(request.inside().address())).findFirst();
        if (inside.isEmpty()) {
            return new StaticOutcome.Refused(false, "inside", request.inside().address()
                    + " is not in an inside network of switch " + config.name(), null);
        }
        if (rule == 0 && !config.outside().publicAddresses().contains(request.external().address())) {
            return new StaticOutcome.Refused(false, "public", request.external().address()
                    + " is not a public address of switch " + config.name() + " "
                    + config.outside().publicAddresses(), null);
        }
        Optional<Binding> sameInside = table.byInside(protocol, request.inside());
        if (sameInside.isPresent()) {
            return conflict("inside", protocol.label() + " " + request.inside() + " already has binding "
                    + sameInside.get().id() + " (public " + sameInside.get().external() + ")", sameInside.get());
        }
        Optional<Binding> samePublic = table.byExternal(protocol, request.external());
        if (samePublic.isPresent()) {
            return conflict("public", protocol.label() + " " + request.external() + " is used by binding "
                    + samePublic.get().id() + " (inside " + samePublic.get().inside() + ")", samePublic.get());
        }
        Optional<InsideHosts.Location> host = hosts.locate(request.inside().address(), now);
        Optional<MacAddress> gateway = nextHop.mac(now);
        if (host.isEmpty() || gateway.isEmpty()) {
            return unresolved(inside.get(), request, host.isEmpty(), gateway.isEmpty(), now);
        }
        // a rule reserved its ports when it was added; an operator's own binding reserves its port now
        NaptAllocator.Reservation reservation = rule != 0 ? NaptAllocator.Reservation.RESERVED
                : allocator.reserve(protocol, request.external());
        if (reservation == NaptAllocator.Reservation.IN_USE) {
            // taken by something without a binding of its own: an ICMP query or a cooling port is not it
            // (those are other protocols or free), so this is a fragment's or a binding being set up
            return new StaticOutcome.Refused(true, "public", protocol.label() + " " + request.external()
                    + " is in use", null);
        }
        BindingSpec spec = new BindingSpec(id == 0 ? ids.next() : id, protocol, request.inside(), request.external(),
                new L2Hop(host.get().port(), inside.get().mac(), host.get().mac()),
                new L2Hop(config.outside().port(), config.outside().mac(), gateway.get()), 0, null);
        Binding binding = new Binding(spec, now, BindingState.initial(protocol, false), Binding.Origin.STATIC, rule);
        table.add(binding);
        listener.created(binding, now);
        counters.increment("nat.static_binding_created");
        LOG.info("switch {}: static binding {} {} {} <-> {} created by operator", config.name(), spec.id(),
                protocol.label(), request.inside(), request.external());
        // an inside FTP server published on a control port: its connections go through the ALG
        return new StaticOutcome.Created(binding, ftp.servesStatic(binding).orElseGet(() -> compiler.installBinding(spec)));
    }

    private static StaticOutcome conflict(String field, String message, Binding with) {
        return new StaticOutcome.Refused(true, field, message, with.id());
    }

    private StaticOutcome unresolved(InsideConfig inside, StaticRequest request, boolean needHost,
                                     boolean needGateway, long now) {
        List<OFMessage> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (needHost) {
            missing.add("inside host " + request.inside().address());
            byte[] ask = ArpFrames.request(inside.mac(), inside.gateway(), request.inside().address());
            for (OFPort port : inside.ports()) {
                out.add(compiler.sendFrame(port, ask));
            }
        }
        if (needGateway) {
            missing.add("next hop " + config.outside().nextHop());
            nextHop.requestIfDue(now).ifPresent(f -> out.add(compiler.sendFrame(config.outside().port(), f)));
        }
        return new StaticOutcome.Unresolved(String.join(" and ", missing) + " not resolved by ARP", out);
    }
}
