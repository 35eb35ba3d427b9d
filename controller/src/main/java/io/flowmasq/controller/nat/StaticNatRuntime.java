package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.StaticHostSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static 1:1 and network-to-network NAT: each inside host of the rule's prefix gets a pair of flows, made as
 * soon as the gateway knows where the host is (its port and MAC, from ARP or from its own packets) and
 * where the next hop is. Then connections may start from either side without the controller. Hosts not yet
 * seen are asked for by ARP when the rule starts and every {@link #SWEEP_MS} after; until a host answers,
 * packets to its public address end at the table-miss drop, as for any unknown address.
 */
final class StaticNatRuntime implements RuleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(StaticNatRuntime.class);
    /** How often hosts without flows are asked for again by ARP. */
    static final long SWEEP_MS = 10_000;
    /** ARP requests per sweep and rule, so a /20 does not flood the inside network at once. */
    static final int ARP_PER_SWEEP = 256;

    private final Rule rule;
    private final RuleForm.StaticNat form;
    private final RuleContext ctx;
    private final Map<IPv4Address, StaticHostSpec> installed = new HashMap<>();
    private final RuleFlowLedger<IPv4Address> ledger = new RuleFlowLedger<>();
    private long nextSweepAt;
    private long sweepCursor;

    StaticNatRuntime(Rule rule, RuleContext ctx) {
        this.rule = rule;
        this.form = (RuleForm.StaticNat) rule.form();
        this.ctx = ctx;
    }

    @Override
    public Rule rule() {
        return rule;
    }

    /**
     * The gateway answers ARP for the rule's public prefix (one masked flow), and every located host's flows are
     * sent: after a reconnect too, since adding a flow the switch has replaces it in place.
     */
    @Override
    public List<OFMessage> start(long now) {
        installed.clear();
        ledger.clear();
        nextSweepAt = now;
        List<OFMessage> out = new ArrayList<>(arpTrap());
        out.addAll(onTick(now));
        return out;
    }

    private List<OFMessage> arpTrap() {
        return ctx.flows().arpTrap(rule.number(), ctx.config().outside().port(), form.external());
    }

    @Override
    public List<OFMessage> onTick(long now) {
        List<OFMessage> out = new ArrayList<>();
        Optional<L2Hop> outside = ctx.toOutside(now);
        long size = Prefixes.size(form.inside());
        boolean sweep = now >= nextSweepAt;
        int asked = 0;
        for (long i = 0; i < size; i++) {
            IPv4Address host = Prefixes.at(form.inside(), i);
            Optional<L2Hop> toInside = ctx.toInside(host, now);
            if (toInside.isPresent() && outside.isPresent()) {
                out.addAll(ensure(host, toInside.get(), outside.get()));
            }
        }
        if (sweep) {
            nextSweepAt = now + SWEEP_MS;
            long start = sweepCursor; // the cursor moves as hosts are asked; the walk goes on from where it began
            for (long n = 0; n < size && asked < ARP_PER_SWEEP; n++) {
                long i = (start + n) % size;
                IPv4Address host = Prefixes.at(form.inside(), i);
                if (!installed.containsKey(host) && isHostAddress(host)) {
                    out.addAll(ctx.arpFor(host));
                    asked++;
                    sweepCursor = (i + 1) % size;
                }
            }
            if (outside.isEmpty()) {
                out.addAll(ctx.arpForNextHop(now));
            }
        }
        return out;
    }

    /** Neither the network's nor the gateway's own address: those are never hosts. */
    private boolean isHostAddress(IPv4Address a) {
        Optional<InsideConfig> inside = ctx.insideOf(a);
        if (inside.isEmpty() || a.equals(inside.get().gateway())) {
            return false;
        }
        IPv4Address network = inside.get().gateway().applyMask(IPv4Address.ofCidrMaskLength(inside.get().prefixLength()));
        IPv4Address broadcast = network.or(IPv4Address.ofCidrMaskLength(inside.get().prefixLength()).not());
        return !a.equals(network) && !a.equals(broadcast);
    }

    /** The host's flows, (re)installed when it has none or has moved (another port or MAC). */
    private List<OFMessage> ensure(IPv4Address host, L2Hop toInside, L2Hop toOutside) {
        StaticHostSpec spec = specFor(host, toInside, toOutside);
        StaticHostSpec old = installed.get(host);
        if (spec.equals(old)) {
            return List.of();
        }
        List<OFMessage> out = new ArrayList<>();
        if (old != null) {
            out.addAll(ledger.delete(ctx.compiler(), host)); // the old outbound flow matched the old port
        }
        installed.put(host, spec);
        out.addAll(ledger.record(host, ctx.flows().installStaticHost(spec)));
        ctx.counters().increment("nat.rule.static_host_installed");
        LOG.debug("switch {}: rule '{}': {} <-> {} installed (port {})", ctx.config().name(), rule.id(), host,
                spec.external(), toInside.port());
        return out;
    }

    private StaticHostSpec specFor(IPv4Address host, L2Hop toInside, L2Hop toOutside) {
        return new StaticHostSpec(rule.number(), (int) Prefixes.offsetOf(form.inside(), host), host,
                form.externalOf(host), toInside, toOutside, rule.match().protocol(), rule.match().outside());
    }

    /**
     * A packet of the host reached the controller: its flows are not in yet (it had not been seen). They are
     * installed now, and the packet goes out translated as they would have sent it.
     */
    @Override
    public List<OFMessage> onOutbound(PacketRef ref, Ipv4Packet ip, InsideConfig inside, long now) {
        Optional<L2Hop> outside = ctx.toOutside(now);
        if (outside.isEmpty()) {
            ctx.counters().increment("nat.rule.static_no_next_hop");
            List<OFMessage> out = new ArrayList<>(ctx.arpForNextHop(now));
            out.addAll(ctx.dropped(ref));
            return out;
        }
        L2Hop toInside = new L2Hop(ref.inPort(), inside.mac(), ip.ethSrc());
        List<OFMessage> out = new ArrayList<>(ensure(ip.src(), toInside, outside.get()));
        out.add(ctx.flows().forwardStaticOutbound(installed.get(ip.src()), ref));
        return out;
    }

    /** The hosts' flows and the ARP flow: one masked delete where the switch has it, else one by one. */
    @Override
    public List<OFMessage> stop(long now) {
        installed.clear();
        Optional<List<OFMessage>> masked = ctx.flows().deleteRule(rule.number());
        List<OFMessage> out = new ArrayList<>(ledger.deleteAll(ctx.compiler(), masked));
        if (masked.isEmpty()) {
            out.addAll(ctx.flows().removeArpTrap(rule.number(), ctx.config().outside().port(), form.external()));
        }
        return out;
    }

    @Override
    public Map<String, Object> status(long now) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("hosts", Prefixes.size(form.inside()));
        s.put("hostsInstalled", installed.size());
        return s;
    }
}
