package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.ArpFrames;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.rules.RuleFlows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** What rule runtimes share with the engine of their switch: its config, compilers, tables and neighbours. */
record RuleContext(SwitchConfig config, FlowCompiler compiler, RuleFlows flows, BindingTable table,
                   InsideHosts hosts, NextHopResolver nextHop, NaptAllocator allocator, StaticBindings statics,
                   BindingIds ids, BindingListener listener, CounterSink counters, Remover remover) {

    /** Removes a live binding as the engine does (its port, pool lease, hairpins and flows); the messages. */
    interface Remover {
        List<OFMessage> remove(Binding b, BindingListener.RemovalReason reason, long now);
    }

    Optional<InsideConfig> insideOf(IPv4Address host) {
        return config.inside().stream().filter(i -> i.contains(host)).findFirst();
    }

    /** The inside hop to {@code host}, when its port and MAC are known. */
    Optional<L2Hop> toInside(IPv4Address host, long now) {
        Optional<InsideConfig> inside = insideOf(host);
        if (inside.isEmpty()) {
            return Optional.empty();
        }
        return hosts.locate(host, now)
                .filter(l -> inside.get().ports().contains(l.port()))
                .map(l -> new L2Hop(l.port(), inside.get().mac(), l.mac()));
    }

    /** The outside hop (the next-hop router), when its MAC is known. */
    Optional<L2Hop> toOutside(long now) {
        Optional<MacAddress> mac = nextHop.mac(now);
        return mac.map(m -> new L2Hop(config.outside().port(), config.outside().mac(), m));
    }

    /** ARP requests from the gateway for an inside host, out of every port of its network. */
    List<OFMessage> arpFor(IPv4Address host) {
        List<OFMessage> out = new ArrayList<>();
        Optional<InsideConfig> inside = insideOf(host);
        if (inside.isPresent()) {
            byte[] ask = ArpFrames.request(inside.get().mac(), inside.get().gateway(), host);
            for (OFPort port : inside.get().ports()) {
                out.add(compiler.sendFrame(port, ask));
            }
        }
        return out;
    }

    /** What dropping a packet the controller holds takes: freeing its switch buffer, if it has one. */
    List<OFMessage> dropped(io.flowmasq.flowcompiler.PacketRef ref) {
        var release = compiler.releaseBuffer(ref);
        return release == null ? List.of() : List.of(release);
    }

    /** An ARP request for the next hop when one is due. */
    List<OFMessage> arpForNextHop(long now) {
        List<OFMessage> out = new ArrayList<>();
        nextHop.requestIfDue(now).ifPresent(f -> out.add(compiler.sendFrame(config.outside().port(), f)));
        return out;
    }
}
