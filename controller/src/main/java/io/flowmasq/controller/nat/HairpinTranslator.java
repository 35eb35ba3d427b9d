package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HairpinSpec;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): an inside host sending to the public endpoint of
 * another inside host's binding reaches it with its own external source address and port, and the
 * session runs on the switch. A hairpin lives as long as both bindings; it is removed with either.
 */
final class HairpinTranslator {
    private static final Logger LOG = LoggerFactory.getLogger(HairpinTranslator.class);

    private record Pair(long sender, long target) {
    }

    private final FlowCompiler compiler;
    private final BindingTable bindings;
    private final NaptTranslator napt;
    private final MssClamper mss;
    private final CounterSink counters;
    private final Map<Pair, HairpinSpec> hairpins = new HashMap<>();
    private long nextId = 1;

    HairpinTranslator(FlowCompiler compiler, BindingTable bindings, NaptTranslator napt, MssClamper mss,
                      CounterSink counters) {
        this.compiler = compiler;
        this.bindings = bindings;
        this.napt = napt;
        this.mss = mss;
        this.counters = counters;
    }

    /** A TCP/UDP packet from inside addressed to one of the public addresses. */
    List<OFMessage> translate(PacketRef ref, Ipv4Packet ip, InsideConfig inside, Optional<MacAddress> nextHop,
                              long now) {
        Protocol protocol = ip.transport();
        Optional<Binding> target = bindings.byExternal(protocol, new Endpoint(ip.dst(), ip.dstPort()));
        if (target.isEmpty()) {
            counters.increment("nat.hairpin.no_target");
            return napt.dropped(ref);
        }
        List<OFMessage> out = new ArrayList<>();
        Optional<Binding> sender = bindings.byInside(protocol, new Endpoint(ip.src(), ip.srcPort()));
        if (sender.isEmpty()) {
            if (nextHop.isEmpty()) {
                // the sender's binding also serves its outbound traffic, which needs the next hop
                counters.increment("nat.hairpin.no_next_hop");
                return napt.dropped(ref);
            }
            sender = napt.bind(ref, ip, inside, nextHop.get(), now);
            if (sender.isEmpty()) {
                return napt.dropped(ref);
            }
            out.addAll(napt.installFlows(sender.get()));
        }
        Pair key = new Pair(sender.get().id(), target.get().id());
        HairpinSpec h = hairpins.get(key);
        if (h == null) {
            h = new HairpinSpec(nextId++, sender.get().spec(), target.get().spec());
            hairpins.put(key, h);
            out.addAll(compiler.installHairpin(h));
            counters.increment("nat.hairpin.created");
            LOG.info("hairpin {}: {} {} -> {} reaches {} as {}", h.id(), protocol.label(), sender.get().inside(),
                    target.get().external(), target.get().inside(), sender.get().external());
        }
        HairpinSpec hairpin = h;
        out.addAll(mss.forward(ref, ip, r -> compiler.forwardHairpin(hairpin, r)));
        return out;
    }

    /** Removes the hairpins a released binding took part in. */
    List<OFMessage> released(Binding binding) {
        List<OFMessage> out = new ArrayList<>();
        hairpins.entrySet().removeIf(e -> {
            if (e.getKey().sender() == binding.id() || e.getKey().target() == binding.id()) {
                out.addAll(compiler.removeHairpin(e.getValue()));
                counters.increment("nat.hairpin.removed");
                return true;
            }
            return false;
        });
        return out;
    }

    /**
     * Forgets every hairpin without a flow-mod: the table rebuild deletes all hairpin flows it finds (they
     * are made again on the next packet), so none is assumed to be on the switch any more.
     */
    void forgetAll() {
        hairpins.clear();
    }

    int size() {
        return hairpins.size();
    }
}
